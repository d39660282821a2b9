"""Telegram's HTML parse mode: which markup it accepts and what text the reader sees.

Shared by the content loader (every catalogue text must be valid markup) and by the local
Bot API (which rejects invalid markup the way Telegram does). The standard library parser
does the tokenising; the rules on top are Telegram's, which no library encodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "tg-spoiler": frozenset(),
    "span": frozenset({"class"}),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class ParsedHtml:
    """The result of parsing a text in HTML parse mode."""

    text: str = ""
    problems: list[str] = field(default_factory=list)


class _TelegramHtmlParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parsed = ParsedHtml()
        self._chunks: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = _ALLOWED_TAGS.get(tag)
        if allowed is None:
            self.parsed.problems.append(f"unsupported start tag <{tag}>")
            return
        for name, _ in attrs:
            if name not in allowed:
                self.parsed.problems.append(f"unsupported attribute {name} on <{tag}>")
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.parsed.problems.append('<span> needs class="tg-spoiler"')
        if tag == "a" and not dict(attrs).get("href"):
            self.parsed.problems.append("<a> needs an href")
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            self.parsed.problems.append(f"unexpected end tag </{tag}>")
            return
        self._open.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data or "&" in data:
            self.parsed.problems.append("unescaped <, > or & in text")
        self._chunks.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _NAMED_ENTITIES:
            self.parsed.problems.append(f"unsupported entity &{name};")
        self._chunks.append(_NAMED_ENTITIES.get(name, ""))

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        self._chunks.append(chr(code))

    def close(self) -> None:
        super().close()
        self.parsed.text = "".join(self._chunks)
        if self._open:
            self.parsed.problems.append(f"unclosed tag <{self._open[-1]}>")


def parse_html(markup: str) -> ParsedHtml:
    """Parse `markup` as Telegram does; return the visible text and any problems."""
    parser = _TelegramHtmlParser()
    parser.feed(markup)
    parser.close()
    return parser.parsed


def html_problem(markup: str) -> str | None:
    """Return the first reason Telegram would reject `markup`, or None if it is valid."""
    problems = parse_html(markup).problems
    return problems[0] if problems else None
