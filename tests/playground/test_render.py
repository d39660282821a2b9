"""Server-side rendering of a message's text and entities to the safe HTML the page shows."""

from __future__ import annotations

import pytest

from bot.playground.render import entity_html, with_commands
from bot.telegram_format import Entity, format_text


def from_telegram_html(source: str) -> str:
    """Parse HTML as Telegram does, then render the stored text and entities back."""
    formatted, _ = format_text(source, "HTML")
    return entity_html(formatted.text, formatted.entities)


def test_plain_text_is_escaped() -> None:
    assert entity_html("<script>alert('x')</script> & \"q\"", []) == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
    )


def test_text_inside_entities_is_escaped_too() -> None:
    text = "<b>not a tag</b>"
    assert entity_html(text, [Entity("bold", 0, len(text))]) == (
        "<b>&lt;b&gt;not a tag&lt;/b&gt;</b>"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "<b>bold</b> <i>italic</i> <u>u</u> <s>s</s>",
            "<b>bold</b> <i>italic</i> <u>u</u> <s>s</s>",
        ),
        ("<b>bold <i>both</i></b> plain", "<b>bold <i>both</i></b> plain"),
        ("<code>x &lt; y</code>", "<code>x &lt; y</code>"),
        (
            '<pre><code class="language-python">print(1)</code></pre>',
            '<pre data-language="python"><code>print(1)</code></pre>',
        ),
        ("<blockquote>Quote</blockquote>", "<blockquote>Quote</blockquote>"),
        (
            "<blockquote expandable>More</blockquote>",
            '<blockquote class="tg-expandable">More</blockquote>',
        ),
        ('<span class="tg-spoiler">secret</span>', '<span class="tg-spoiler">secret</span>'),
        (
            '<a href="https://example.org/a?b=1&amp;c=2">link</a>',
            '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" '
            'rel="noopener noreferrer nofollow">link</a>',
        ),
    ],
)
def test_telegram_html_round_trips(source: str, expected: str) -> None:
    assert from_telegram_html(source) == expected


def test_blocks_take_the_place_of_the_line_breaks_beside_them() -> None:
    source = "Intro\n<blockquote>Quote</blockquote>\n<pre>code</pre>\nEnd\n\nAfter"
    assert from_telegram_html(source) == (
        "Intro<blockquote>Quote</blockquote><pre><code>code</code></pre>End\n\nAfter"
    )


def test_emoji_count_as_two_utf16_units() -> None:
    text = "👋 Hi Alex! 🦶 done"
    # "👋 Hi " is 6 UTF-16 units (the emoji is a surrogate pair); "Alex" is 4.
    bold = Entity("bold", 6, 4)
    # "🦶 done" starts at unit 12 and is 7 units long.
    italic = Entity("italic", 12, 7)
    assert entity_html(text, [bold, italic]) == "👋 Hi <b>Alex</b>! <i>🦶 done</i>"


def test_offsets_match_what_telegram_parsed_from_emoji_text() -> None:
    assert from_telegram_html("🚑 <b>Not for emergencies</b> 🚑 <i>end</i>") == (
        "🚑 <b>Not for emergencies</b> 🚑 <i>end</i>"
    )


def test_an_offset_inside_a_surrogate_pair_moves_to_the_next_character() -> None:
    assert entity_html("👋x", [Entity("bold", 1, 2)]) == "👋<b>x</b>"


def test_crossing_entities_are_split_so_tags_nest() -> None:
    # bold covers "abcd", italic covers "cdef": the italic part inside the bold closes first.
    html = entity_html("abcdef", [Entity("bold", 0, 4), Entity("italic", 2, 4)])
    assert html == "<b>ab<i>cd</i></b><i>ef</i>"


def test_same_range_entities_keep_their_order() -> None:
    html = entity_html("both", [Entity("bold", 0, 4), Entity("italic", 0, 4)])
    assert html == "<b><i>both</i></b>"


def test_entities_out_of_range_or_unknown_are_ignored() -> None:
    entities = [Entity("bold", 10, 3), Entity("custom_emoji", 0, 2), Entity("mystery", 0, 1)]
    assert entity_html("hi", entities) == "hi"


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("javascript:alert(1)", "http://javascript:alert(1)"),
        ("example.org", "http://example.org"),
        ('https://x.org/"onmouseover="alert(1)', "https://x.org/&quot;onmouseover=&quot;alert(1)"),
        ("tg://user?id=1", "tg://user?id=1"),
    ],
)
def test_links_keep_only_safe_schemes(url: str, href: str) -> None:
    html = entity_html("link", [Entity("text_link", 0, 4, {"url": url})])
    assert html.startswith(f'<a href="{href}" ')


def test_links_with_other_schemes_stay_plain_text() -> None:
    entity = Entity("text_link", 0, 4, {"url": "data://text/html,<script>"})
    assert entity_html("link", [entity]) == "link"


def test_url_and_email_entities_become_links() -> None:
    text = "see example.org or me@example.org"
    html = entity_html(text, [Entity("url", 4, 11), Entity("email", 19, 14)])
    assert '<a href="http://example.org"' in html
    assert '<a href="mailto:me@example.org"' in html


def test_bot_commands_in_plain_text_become_tappable() -> None:
    text = "Send /triage now, or /help. Not a/b, </b> or /x in code"
    entities = with_commands(text, [Entity("code", text.index("/x"), 2)])
    html = entity_html(text, entities)
    assert '<span class="tg-command" data-command="/triage">/triage</span>' in html
    assert '<span class="tg-command" data-command="/help">/help</span>.' in html
    assert html.count("tg-command") == 2


def test_commands_telegram_already_marked_are_not_doubled() -> None:
    entities = with_commands("/start", [Entity("bot_command", 0, 6)])
    assert entities == [Entity("bot_command", 0, 6)]
