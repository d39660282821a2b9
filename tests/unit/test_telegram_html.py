"""Telegram's HTML rules as the content loader applies them (the local Bot API's parser)."""

from __future__ import annotations

import pytest

from bot.telegram_html import html_problem, parse_html


@pytest.mark.parametrize(
    "markup",
    [
        "plain",
        "<b>bold</b> and <i>it</i>",
        "1 &lt; 2 &amp;&amp; 3 &gt; 2",
        '<a href="https://example.org/?a=1&amp;b=2">link</a>',
        "<blockquote>q</blockquote>",
        '<span class="tg-spoiler">s</span>',
        "<pre><code>x</code></pre>",
    ],
)
def test_valid_markup(markup: str) -> None:
    assert html_problem(markup) is None


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("<b>open", 'end tag corresponding to start tag "b"'),
        ("a < b", "Unsupported start tag"),
        ("fish & chips", "unescaped '&'"),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<i><b>x</i></b>", "Unmatched end tag"),
        ("<span>x</span>", "tg-spoiler"),
    ],
)
def test_invalid_markup(markup: str, problem: str) -> None:
    found = html_problem(markup)
    assert found is not None
    assert problem in found


def test_visible_text_drops_tags_and_decodes_entities() -> None:
    assert parse_html("<b>a</b> &lt;3 &#128512;").text == "a <3 😀"
