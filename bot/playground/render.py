"""A message's text plus its entities, as safe HTML for the playground page.

Owns the one place where something the bot sent becomes markup in a browser. Every character is
escaped; each entity's range (UTF-16 code units, as Telegram counts them) is wrapped in the
matching tag; entities that cross each other are split so the tags nest; links keep only safe
schemes. Like Telegram's apps, it finds the /commands a bot writes in plain text, so they can be
tapped, and lets a quote or a code block stand for the line break next to it. The page never turns
text into HTML itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

from bot.telegram_format import Entity, utf16_len

_SIMPLE_TAGS: Final[Mapping[str, tuple[str, str]]] = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="tg-spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ('<blockquote class="tg-expandable">', "</blockquote>"),
    "mention": ('<span class="tg-mention">', "</span>"),
    "text_mention": ('<span class="tg-mention">', "</span>"),
    "hashtag": ('<span class="tg-hashtag">', "</span>"),
    "cashtag": ('<span class="tg-hashtag">', "</span>"),
    "phone_number": ('<span class="tg-phone">', "</span>"),
}
_SAFE_SCHEMES: Final = ("http://", "https://", "mailto:", "tg://")
_COMMAND: Final = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_BLOCK_EDGE_BREAKS: Final = re.compile(
    r"\n(?=<(?:pre|blockquote)\b)|(?<=</pre>)\n|(?<=</blockquote>)\n"
)
_NOT_A_COMMAND_INSIDE: Final = frozenset(
    {"bot_command", "code", "pre", "url", "text_link", "email", "mention", "hashtag"}
)


@dataclass(frozen=True, slots=True)
class _Span:
    """An entity resolved to string indices and the tags that wrap it."""

    start: int
    end: int
    order: int
    open: str
    close: str


def entity_html(text: str, entities: Sequence[Entity]) -> str:
    """Return ``text`` escaped, with each entity's range wrapped in its HTML tag."""
    code_units = _code_unit_starts(text)
    spans: list[_Span] = []
    for order, entity in enumerate(entities):
        start = _index(code_units, entity.offset)
        end = _index(code_units, entity.offset + entity.length)
        tags = _tags(entity, text[start:end]) if end > start else None
        if tags is not None:
            spans.append(_Span(start, end, order, *tags))
    if not spans:
        return escape(text)
    starting: dict[int, list[_Span]] = {}
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.order)):
        starting.setdefault(span.start, []).append(span)
    boundaries = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[_Span] = []
    for position, following in zip(boundaries, [*boundaries[1:], len(text)], strict=True):
        _close_ending(stack, position, out)
        for span in starting.get(position, ()):
            out.append(span.open)
            stack.append(span)
        out.append(escape(text[position:following]))
    # Escaped text has no "<", so these can only be line breaks beside our own block tags.
    return _BLOCK_EDGE_BREAKS.sub("", "".join(out))


def with_commands(text: str, entities: Sequence[Entity]) -> list[Entity]:
    """Return ``entities`` plus a bot_command for each /command outside links and code."""
    taken = [
        (entity.offset, entity.offset + entity.length)
        for entity in entities
        if entity.type in _NOT_A_COMMAND_INSIDE
    ]
    found = list(entities)
    for match in _COMMAND.finditer(text):
        start = utf16_len(text[: match.start()])
        end = start + utf16_len(match.group())
        if not any(start < stop and begin < end for begin, stop in taken):
            found.append(Entity("bot_command", start, end - start))
    return found


def _close_ending(stack: list[_Span], position: int, out: list[str]) -> None:
    """Close the spans ending at ``position``, reopening any that were opened inside them."""
    reopen: list[_Span] = []
    while any(span.end == position for span in stack):
        span = stack.pop()
        out.append(span.close)
        if span.end != position:
            reopen.append(span)
    for span in reversed(reopen):
        out.append(span.open)
        stack.append(span)


def _code_unit_starts(text: str) -> list[int]:
    """Return the UTF-16 offset where each character starts, plus the total length."""
    starts = [0]
    for char in text:
        starts.append(starts[-1] + (2 if ord(char) > 0xFFFF else 1))
    return starts


def _index(code_unit_starts: list[int], offset: int) -> int:
    """Return the string index at a UTF-16 offset (inside a surrogate pair: the next char)."""
    return min(bisect_left(code_unit_starts, max(offset, 0)), len(code_unit_starts) - 1)


def _tags(entity: Entity, covered: str) -> tuple[str, str] | None:
    """Return the opening and closing tag for an entity, None to leave its text plain."""
    simple = _SIMPLE_TAGS.get(entity.type)
    if simple is not None:
        return simple
    if entity.type == "pre":
        language = entity.extra.get("language")
        if isinstance(language, str) and language:
            return f'<pre data-language="{escape(language)}"><code>', "</code></pre>"
        return "<pre><code>", "</code></pre>"
    if entity.type == "bot_command":
        return f'<span class="tg-command" data-command="{escape(covered)}">', "</span>"
    if entity.type == "email":
        return _link(f"mailto:{covered}")
    if entity.type == "url":
        return _link(covered)
    if entity.type == "text_link":
        url = entity.extra.get("url")
        return _link(url) if isinstance(url, str) else None
    return None


def _link(url: str) -> tuple[str, str] | None:
    """Return tags for a link opening in a new tab, None for a URL that isn't safe to follow."""
    target = url.strip()
    if not target.lower().startswith(_SAFE_SCHEMES):
        if "://" in target or any(ord(char) < 32 for char in target):
            return None
        target = f"http://{target}"
    attributes = 'target="_blank" rel="noopener noreferrer nofollow"'
    return f'<a href="{escape(target)}" {attributes}>', "</a>"
