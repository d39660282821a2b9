import pytest

from bot.telegram_format import Entity, FormattedText, MarkupError, format_text, utf16_len


def html(source: str) -> FormattedText:
    formatted, warnings = format_text(source, "HTML")
    assert warnings == []
    return formatted


def html_error(source: str) -> str:
    with pytest.raises(MarkupError) as caught:
        format_text(source, "HTML")
    return str(caught.value)


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("🦶a") == 3
    assert utf16_len("é") == 1


def test_html_tags_become_entities_with_utf16_offsets() -> None:
    formatted = html("🦶 <b>numb</b> <i>feet</i>")
    assert formatted.text == "🦶 numb feet"
    assert formatted.entities == (Entity("bold", 3, 4), Entity("italic", 8, 4))


@pytest.mark.parametrize(
    ("markup", "entity"),
    [
        ("<strong>x</strong>", Entity("bold", 0, 1)),
        ("<em>x</em>", Entity("italic", 0, 1)),
        ("<u>x</u>", Entity("underline", 0, 1)),
        ("<ins>x</ins>", Entity("underline", 0, 1)),
        ("<s>x</s>", Entity("strikethrough", 0, 1)),
        ("<strike>x</strike>", Entity("strikethrough", 0, 1)),
        ("<del>x</del>", Entity("strikethrough", 0, 1)),
        ('<span class="tg-spoiler">x</span>', Entity("spoiler", 0, 1)),
        ("<tg-spoiler>x</tg-spoiler>", Entity("spoiler", 0, 1)),
        (
            '<a href="https://example.org/a?b=1">x</a>',
            Entity("text_link", 0, 1, {"url": "https://example.org/a?b=1"}),
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            Entity("custom_emoji", 0, 2, {"custom_emoji_id": "5368324170671202286"}),
        ),
        ("<code>x</code>", Entity("code", 0, 1)),
        ("<pre>x</pre>", Entity("pre", 0, 1)),
        (
            '<pre><code class="language-python">x</code></pre>',
            Entity("pre", 0, 1, {"language": "python"}),
        ),
        ("<blockquote>x</blockquote>", Entity("blockquote", 0, 1)),
        ("<blockquote expandable>x</blockquote>", Entity("expandable_blockquote", 0, 1)),
        ("<B>x</B>", Entity("bold", 0, 1)),
        ("<b>x</>", Entity("bold", 0, 1)),
    ],
)
def test_every_supported_html_tag(markup: str, entity: Entity) -> None:
    assert html(markup).entities == (entity,)


def test_html_decodes_the_four_named_entities_and_numeric_ones() -> None:
    assert html("a &lt; b &gt; c &amp; &quot;d&quot; &#129462; &#x1F9B6;").text == (
        'a < b > c & "d" 🦶 🦶'
    )


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<i>x</b>", 'Unmatched end tag at byte offset 4, expected "</i>", found "</b>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("🦶<b", "Unclosed start tag at byte offset 4"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<tg-emoji>x</tg-emoji>",
            'Tag "tg-emoji" must have attribute "emoji-id" at byte offset 0',
        ),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("&#xD83E;", "Text contains invalid Unicode characters"),
    ],
)
def test_html_errors_use_telegrams_wording(markup: str, error: str) -> None:
    message = html_error(markup)
    assert message.startswith("can't parse entities: ")
    assert error in message


@pytest.mark.parametrize(
    ("markup", "shown"),
    [("a & b", "a & b"), ("a > b", "a > b"), ("&nbsp;", "&nbsp;"), ("&#0;", "&#0;")],
)
def test_html_tolerates_what_telegram_tolerates_but_warns(markup: str, shown: str) -> None:
    formatted, warnings = format_text(markup, "HTML")
    assert formatted.text == shown
    assert len(warnings) == 1
    assert "Telegram shows it literally" in warnings[0]


def test_html_nesting_telegram_forbids_is_a_warning() -> None:
    _, warnings = format_text("<blockquote><blockquote>x</blockquote></blockquote>", "HTML")
    assert warnings == [
        "HTML: a blockquote inside a blockquote at byte offset 12; Telegram forbids nesting it"
    ]


def test_surrounding_whitespace_is_trimmed_and_entities_clipped() -> None:
    formatted = html("\n  <b> hi </b>\n")
    assert formatted.text == "hi"
    assert formatted.entities == (Entity("bold", 0, 2),)


def test_link_without_href_uses_its_text_when_that_is_a_url() -> None:
    assert html("<a>example.org</a>").entities == (
        Entity("text_link", 0, 11, {"url": "example.org"}),
    )
    assert html("<a>not a link</a>").entities == ()


def test_markdown_v2_entities() -> None:
    formatted, warnings = format_text(
        "*b* _i_ __u__ ~s~ ||p|| `c` [l](https://x.org) \\!", "MarkdownV2"
    )
    assert warnings == []
    assert formatted.text == "b i u s p c l !"
    assert [entity.type for entity in formatted.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]


def test_markdown_v2_pre_with_language_and_blockquote() -> None:
    formatted, _ = format_text("```python\nx = 1\n```", "MarkdownV2")
    assert formatted == FormattedText("x = 1", (Entity("pre", 0, 5, {"language": "python"}),))
    quoted, _ = format_text(">numb\n>feet\nok", "MarkdownV2")
    assert quoted == FormattedText("numb\nfeet\nok", (Entity("blockquote", 0, 10),))


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("Hello!", "Character '!' is reserved and must be escaped with the preceding '\\'"),
        ("3.5 km", "Character '.' is reserved"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("🦶 _it", "Can't find end of Italic entity at byte offset 5"),
        ("`code", "Can't find end of Code entity at byte offset 0"),
        ("[x](https://x.org", "Can't find end of a URL at byte offset 3"),
    ],
)
def test_markdown_v2_errors(markup: str, error: str) -> None:
    with pytest.raises(MarkupError, match="can't parse entities") as caught:
        format_text(markup, "MarkdownV2")
    assert error in str(caught.value)


def test_legacy_markdown() -> None:
    formatted, _ = format_text("*b* _i_ `c` [t](https://x.org) 3.5!", "Markdown")
    assert formatted.text == "b i c t 3.5!"
    assert [entity.type for entity in formatted.entities] == [
        "bold",
        "italic",
        "code",
        "text_link",
    ]
    with pytest.raises(
        MarkupError, match="Can't find end of the entity starting at byte offset 2"
    ):
        format_text("a *b", "Markdown")


def test_parse_mode_is_case_insensitive_and_checked() -> None:
    assert format_text("<b>x</b>", "html")[0].entities == (Entity("bold", 0, 1),)
    with pytest.raises(MarkupError, match="unsupported parse_mode"):
        format_text("x", "HTML5")


def test_explicit_entities_are_kept_when_there_is_no_parse_mode() -> None:
    formatted, warnings = format_text(
        "numb feet", None, [{"type": "bold", "offset": 0, "length": 4}]
    )
    assert formatted.entities == (Entity("bold", 0, 4),)
    assert warnings == []
    _, ignored = format_text("<b>x</b>", "HTML", [])
    assert ignored == ["entities are ignored because parse_mode is set"]
