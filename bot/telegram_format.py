"""Message formatting as Telegram applies it: ``parse_mode`` markup and message entities.

A neutral module: the local Bot API formats the messages it stores with it, and the content
checks (through `bot.telegram_html`) hold every catalogue text to it.

Owns turning a text plus ``parse_mode`` (or explicit ``entities``) into what Telegram stores and
shows: the visible text and its MessageEntity list, with offsets in UTF-16 code units. Markup
Telegram refuses raises :class:`MarkupError` carrying Telegram's own reason; markup Telegram
tolerates but documents as wrong (a bare ``&`` or ``>`` in HTML, an unknown named entity) is
accepted like Telegram does and reported as a warning, so tests still catch it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

JsonDict = dict[str, object]
"""A JSON object as the Bot API sends it."""


_WHITESPACE: Final = " \t\r\n\v\f"
_HTML_SPECIAL: Final = re.compile(r"[<&>]")
_HTML_ENTITY: Final = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z0-9]+));?")
_NAMED_ENTITIES: Final[Mapping[str, str]] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_UNQUOTED_VALUE: Final = re.compile(r"[a-zA-Z0-9.\-]*")
_HTML_TAGS: Final[Mapping[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_MD2_RESERVED: Final = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_NAMES: Final[Mapping[str, str]] = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_CUSTOM_EMOJI_URL: Final = re.compile(r"tg://emoji\?id=([0-9]+)", re.IGNORECASE)
PARSE_MODES: Final[Mapping[str, str]] = {
    "html": "HTML",
    "markdownv2": "MarkdownV2",
    "markdown": "Markdown",
}


class MarkupError(ValueError):
    """Text Telegram refuses to send; ``str()`` is the reason after ``Bad Request: ``."""


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def byte_offset(source: str, index: int) -> int:
    """Return the UTF-8 byte offset of ``source[index]``, the unit of Telegram's markup errors."""
    return len(source[:index].encode())


@dataclass(frozen=True, slots=True)
class Entity:
    """One MessageEntity: a type, a UTF-16 span and the type's extra fields (url, language...)."""

    type: str
    offset: int
    length: int
    extra: Mapping[str, object] = field(default_factory=dict)

    def to_api(self) -> JsonDict:
        """Return the entity as a Bot API MessageEntity object."""
        return {"offset": self.offset, "length": self.length, "type": self.type, **self.extra}


@dataclass(frozen=True, slots=True)
class FormattedText:
    """A text as Telegram stores it: visible characters plus entities."""

    text: str
    entities: tuple[Entity, ...] = ()


def normalize_parse_mode(value: str | None) -> str | None:
    """Return the canonical parse mode name, None for plain text; raise for unknown modes."""
    if not value:
        return None
    canonical = PARSE_MODES.get(value.lower())
    if canonical is None:
        raise MarkupError("unsupported parse_mode")
    return canonical


def format_text(
    text: str, parse_mode: str | None, entities: object = None
) -> tuple[FormattedText, list[str]]:
    """Apply ``parse_mode`` (or explicit ``entities``) to ``text`` the way Telegram does.

    Returns the formatted text with surrounding whitespace trimmed, and warnings about markup
    Telegram accepts although its documentation forbids it.
    """
    warnings: list[str] = []
    mode = normalize_parse_mode(parse_mode)
    if mode is not None and entities is not None:
        warnings.append("entities are ignored because parse_mode is set")
    if mode == "HTML":
        visible, spans = _HtmlParser(text, warnings).parse()
    elif mode == "MarkdownV2":
        visible, spans = _MarkdownV2Parser(text).parse()
    elif mode == "Markdown":
        visible, spans = _parse_markdown(text)
    else:
        visible, spans = text, _explicit_entities(text, entities, warnings)
    return _trim(visible, spans), warnings


def _explicit_entities(text: str, entities: object, warnings: list[str]) -> list[Entity]:
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise MarkupError("can't parse entities JSON object")
    limit = utf16_len(text)
    result: list[Entity] = []
    for item in entities:
        if not isinstance(item, dict):
            raise MarkupError("can't parse MessageEntity: MessageEntity must be an Object")
        kind, offset, length = item.get("type"), item.get("offset"), item.get("length")
        if not isinstance(kind, str) or not isinstance(offset, int) or not isinstance(length, int):
            raise MarkupError("can't parse MessageEntity: type, offset and length are required")
        if offset < 0 or length <= 0 or offset + length > limit:
            warnings.append(f"entity {kind} at {offset}+{length} lies outside the text")
            continue
        extra = {k: v for k, v in item.items() if k not in ("type", "offset", "length")}
        result.append(Entity(kind, offset, length, extra))
    return result


def _trim(text: str, entities: list[Entity]) -> FormattedText:
    body = text.lstrip(_WHITESPACE)
    lead = len(text) - len(body)
    body = body.rstrip(_WHITESPACE)
    if len(body) == len(text):
        return FormattedText(text, tuple(entities))
    start16 = utf16_len(text[:lead])
    end16 = start16 + utf16_len(body)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity.offset, start16)
        stop = min(entity.offset + entity.length, end16)
        if stop > start:
            kept.append(Entity(entity.type, start - start16, stop - start, entity.extra))
    return FormattedText(body, tuple(kept))


@dataclass(slots=True)
class _Open:
    """A markup element that has started but not ended yet."""

    name: str
    offset: int
    order: int
    source_index: int
    out_index: int
    attributes: dict[str, str] = field(default_factory=dict)
    language: str = ""


class _Output:
    """Visible text being built, with its running UTF-16 length and finished entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0
        self.order = 0
        self.entities: list[tuple[int, Entity]] = []

    def emit(self, text: str) -> None:
        self.parts.append(text)
        self.u16 += utf16_len(text)

    def next_order(self) -> int:
        self.order += 1
        return self.order

    def add(self, opened: _Open, kind: str, extra: Mapping[str, object] | None = None) -> None:
        length = self.u16 - opened.offset
        if length > 0:
            self.entities.append((opened.order, Entity(kind, opened.offset, length, extra or {})))

    def result(self) -> tuple[str, list[Entity]]:
        ordered = sorted(
            self.entities, key=lambda item: (item[1].offset, -item[1].length, item[0])
        )
        return "".join(self.parts), [entity for _, entity in ordered]


class _HtmlParser:
    """Telegram's HTML dialect: a fixed tag set, strict nesting, four named entities."""

    def __init__(self, source: str, warnings: list[str]) -> None:
        self.src = source
        self.warnings = warnings
        self.out = _Output()
        self.stack: list[_Open] = []

    def parse(self) -> tuple[str, list[Entity]]:
        src, pos, size = self.src, 0, len(self.src)
        while pos < size:
            match = _HTML_SPECIAL.search(src, pos)
            stop = match.start() if match else size
            if stop > pos:
                self.out.emit(src[pos:stop])
            if match is None:
                break
            char = src[stop]
            if char == "<":
                pos = self._end_tag(stop) if src.startswith("</", stop) else self._start_tag(stop)
            elif char == "&":
                pos = self._entity(stop)
            else:
                self._warn_unescaped(">", stop, "&gt;")
                self.out.emit(">")
                pos = stop + 1
        if self.stack:
            name = self.stack[-1].name
            raise MarkupError(
                f"can't parse entities: Can't find end tag corresponding to start tag \"{name}\""
            )
        return self.out.result()

    def _fail(self, reason: str, index: int) -> MarkupError:
        offset = byte_offset(self.src, index)
        return MarkupError(f"can't parse entities: {reason} at byte offset {offset}")

    def _warn_unescaped(self, char: str, index: int, escape: str) -> None:
        offset = byte_offset(self.src, index)
        self.warnings.append(
            f"HTML: unescaped {char!r} at byte offset {offset}; Telegram shows it literally, "
            f"but the Bot API requires {escape}"
        )

    def _warn_nesting(self, what: str, index: int) -> None:
        offset = byte_offset(self.src, index)
        self.warnings.append(f"HTML: {what} at byte offset {offset}; Telegram forbids nesting it")

    def _entity(self, index: int) -> int:
        match = _HTML_ENTITY.match(self.src, index)
        decoded = _decode_entity(match) if match else None
        if match is None or decoded is None:
            self._warn_unescaped("&", index, "&amp;")
            self.out.emit("&")
            return index + 1
        self.out.emit(decoded)
        return match.end()

    def _skip_space(self, index: int) -> int:
        while index < len(self.src) and self.src[index] in _WHITESPACE:
            index += 1
        return index

    def _start_tag(self, start: int) -> int:
        src, size = self.src, len(self.src)
        index = start + 1
        while index < size and src[index] not in _WHITESPACE and src[index] != ">":
            index += 1
        if index >= size:
            raise self._fail("Unclosed start tag", start)
        name = src[start + 1 : index].lower()
        if name not in _HTML_TAGS:
            raise self._fail(f'Unsupported start tag "{name}"', start)
        attributes, index = self._attributes(start, name, index)
        opened = _Open(
            name=name,
            offset=self.out.u16,
            order=self.out.next_order(),
            source_index=start,
            out_index=len(self.out.parts),
            attributes=attributes,
        )
        self._check_start(opened)
        self.stack.append(opened)
        return index

    def _attributes(self, start: int, name: str, index: int) -> tuple[dict[str, str], int]:
        src, size = self.src, len(self.src)
        attributes: dict[str, str] = {}
        while True:
            index = self._skip_space(index)
            if index >= size:
                raise self._fail(f'Unclosed start tag "{name}"', start)
            if src[index] == ">":
                return attributes, index + 1
            end = index
            while end < size and src[end] not in _WHITESPACE and src[end] not in "=>":
                end += 1
            attribute = src[index:end].lower()
            if not attribute:
                raise self._fail(f'Empty attribute name in the tag "{name}"', start)
            index = self._skip_space(end)
            value = ""
            if index < size and src[index] == "=":
                value, index = self._attribute_value(start, name, self._skip_space(index + 1))
            attributes[attribute] = value

    def _attribute_value(self, start: int, name: str, index: int) -> tuple[str, int]:
        src, size = self.src, len(self.src)
        if index >= size:
            raise self._fail(f'Unclosed start tag "{name}"', start)
        quote = src[index]
        if quote in "\"'":
            close = src.find(quote, index + 1)
            if close < 0:
                raise self._fail("Unclosed start tag", start)
            return _unescape_attribute(src[index + 1 : close]), close + 1
        match = _UNQUOTED_VALUE.match(src, index)
        end = match.end() if match else index
        if end >= size or (src[end] not in _WHITESPACE and src[end] != ">"):
            raise self._fail("Unexpected end of name token", index)
        return src[index:end], end

    def _check_start(self, opened: _Open) -> None:
        if opened.name == "span" and opened.attributes.get("class") != "tg-spoiler":
            raise self._fail('Tag "span" must have class "tg-spoiler"', opened.source_index)
        if opened.name == "tg-emoji" and not opened.attributes.get("emoji-id"):
            raise self._fail('Tag "tg-emoji" must have attribute "emoji-id"', opened.source_index)
        open_names = {item.name for item in self.stack}
        if opened.name == "blockquote" and "blockquote" in open_names:
            self._warn_nesting("a blockquote inside a blockquote", opened.source_index)
        if opened.name == "a" and "a" in open_names:
            self._warn_nesting("a link inside a link", opened.source_index)

    def _end_tag(self, start: int) -> int:
        src, size = self.src, len(self.src)
        index = start + 2
        while index < size and src[index] not in _WHITESPACE and src[index] != ">":
            index += 1
        name = src[start + 2 : index].lower()
        index = self._skip_space(index)
        if not self.stack:
            raise self._fail("Unexpected end tag", start)
        if index >= size or src[index] != ">":
            raise self._fail("Unclosed end tag", start)
        opened = self.stack.pop()
        if name and name != opened.name:
            raise MarkupError(
                "can't parse entities: Unmatched end tag at byte offset "
                f'{byte_offset(src, start)}, expected "</{opened.name}>", found "</{name}>"'
            )
        self._close(opened)
        return index + 1

    def _close(self, opened: _Open) -> None:
        kind = _HTML_TAGS[opened.name]
        attributes = opened.attributes
        if kind == "text_link":
            url = attributes.get("href") or "".join(self.out.parts[opened.out_index :])
            if _looks_like_url(url):
                self.out.add(opened, kind, {"url": url})
        elif kind == "code":
            language = attributes.get("class", "").removeprefix("language-")
            parent = self.stack[-1] if self.stack else None
            if parent is not None and parent.name == "pre" and language:
                parent.language = language
            else:
                self.out.add(opened, kind)
        elif kind == "pre":
            self.out.add(opened, kind, {"language": opened.language} if opened.language else None)
        elif kind == "blockquote" and "expandable" in attributes:
            self.out.add(opened, "expandable_blockquote")
        elif kind == "custom_emoji":
            self.out.add(opened, kind, {"custom_emoji_id": attributes["emoji-id"]})
        else:
            self.out.add(opened, kind)


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if 0xD800 <= code <= 0xDFFF:
        raise MarkupError(
            "can't parse entities: Text contains invalid Unicode characters after decoding "
            "HTML entities, check for unmatched surrogate code units"
        )
    if code == 0 or code > 0x10FFFF:
        return None
    return chr(code)


def _unescape_attribute(value: str) -> str:
    def replace(match: re.Match[str]) -> str:
        decoded = _decode_entity(match)
        return match.group(0) if decoded is None else decoded

    return _HTML_ENTITY.sub(replace, value) if "&" in value else value


def _looks_like_url(url: str) -> bool:
    if not url or any(char in _WHITESPACE for char in url):
        return False
    return "://" in url or url.startswith("tg:") or "." in url.split("/", 1)[0]


class _MarkdownV2Parser:
    """Telegram's MarkdownV2: paired markers, backslash escapes, every reserved char escaped."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.out = _Output()
        self.stack: list[_Open] = []
        self.quote: _Open | None = None

    def parse(self) -> tuple[str, list[Entity]]:
        src, index, size = self.src, 0, len(self.src)
        while index < size:
            char = src[index]
            if char == "\\" and index + 1 < size and 0 < ord(src[index + 1]) < 127:
                self.out.emit(src[index + 1])
                index += 2
            elif self.stack and self.stack[-1].name in ("code", "pre"):
                index = self._inside_code(index)
            elif char == "\n":
                self.out.emit(char)
                index += 1
                if self.quote is not None and not src.startswith(">", index):
                    self._close_quote()
            elif char not in _MD2_RESERVED:
                self.out.emit(char)
                index += 1
            else:
                index = self._reserved(index)
        if self.stack:
            opened = self.stack[-1]
            name = "PreCode" if opened.language else _MD2_NAMES[opened.name]
            raise self._fail(f"Can't find end of {name} entity", opened.source_index)
        if self.quote is not None:
            self._close_quote()
        return self.out.result()

    def _fail(self, reason: str, index: int) -> MarkupError:
        offset = byte_offset(self.src, index)
        return MarkupError(f"can't parse entities: {reason} at byte offset {offset}")

    def _open(self, name: str, index: int) -> _Open:
        opened = _Open(name, self.out.u16, self.out.next_order(), index, len(self.out.parts))
        self.stack.append(opened)
        return opened

    def _toggle(self, name: str, index: int) -> None:
        if self.stack and self.stack[-1].name == name:
            self.out.add(self.stack.pop(), name)
        else:
            self._open(name, index)

    def _close_quote(self) -> None:
        if self.quote is not None:
            expandable = self.quote.attributes.get("expandable") == "1"
            self.out.add(self.quote, "expandable_blockquote" if expandable else "blockquote")
            self.quote = None

    def _at_line_start(self, index: int) -> bool:
        return index == 0 or self.src[index - 1] == "\n"

    def _reserved(self, index: int) -> int:
        src = self.src
        char = src[index]
        if self._at_line_start(index) and (char == ">" or src.startswith("**>", index)):
            if self.quote is None:
                self.quote = _Open("blockquote", self.out.u16, self.out.next_order(), index, 0)
                if char == "*":
                    self.quote.attributes["expandable"] = "1"
            return index + (1 if char == ">" else 3)
        if char in "*~":
            self._toggle("bold" if char == "*" else "strikethrough", index)
            return index + 1
        if char == "_":
            double = src.startswith("__", index)
            self._toggle("underline" if double else "italic", index)
            return index + (2 if double else 1)
        if src.startswith("||", index):
            return self._spoiler(index)
        if char == "`":
            return self._open_code(index)
        if char == "[" or src.startswith("![", index):
            self._open("custom_emoji" if char == "!" else "text_link", index)
            return index + (2 if char == "!" else 1)
        if char == "]" and self.stack and self.stack[-1].name in ("text_link", "custom_emoji"):
            return self._close_link(index)
        raise MarkupError(
            f"can't parse entities: Character '{char}' is reserved and must be escaped "
            "with the preceding '\\'"
        )

    def _spoiler(self, index: int) -> int:
        quote = self.quote
        after = index + 2
        ends_line = after >= len(self.src) or self.src[after] == "\n"
        spoiler_open = bool(self.stack) and self.stack[-1].name == "spoiler"
        if (
            quote is not None
            and quote.attributes.get("expandable")
            and ends_line
            and not spoiler_open
        ):
            self._close_quote()
            return after
        self._toggle("spoiler", index)
        return after

    def _open_code(self, index: int) -> int:
        src, size = self.src, len(self.src)
        if not src.startswith("```", index):
            self._open("code", index)
            return index + 1
        start = index + 3
        end = start
        while end < size and src[end] not in _WHITESPACE and src[end] != "`":
            end += 1
        opened = self._open("pre", index)
        if end < size and src[end] in _WHITESPACE and end > start:
            opened.language = src[start:end]
            return end + 1 if src[end] == "\n" else end
        return start + 1 if src.startswith("\n", start) else start

    def _inside_code(self, index: int) -> int:
        opened = self.stack[-1]
        if opened.name == "pre" and self.src.startswith("```", index):
            self.stack.pop()
            self.out.add(opened, "pre", {"language": opened.language} if opened.language else None)
            return index + 3
        if opened.name == "code" and self.src[index] == "`":
            self.out.add(self.stack.pop(), "code")
            return index + 1
        self.out.emit(self.src[index])
        return index + 1

    def _close_link(self, index: int) -> int:
        src = self.src
        opened = self.stack.pop()
        text = "".join(self.out.parts[opened.out_index :])
        after = index + 1
        url = text
        if src.startswith("(", after):
            url, after = self._link_target(after)
        if opened.name == "custom_emoji":
            match = _CUSTOM_EMOJI_URL.fullmatch(url)
            if match is None:
                raise MarkupError(
                    "can't parse entities: Invalid tg://emoji or tg://time URL specified"
                )
            self.out.add(opened, "custom_emoji", {"custom_emoji_id": match.group(1)})
        elif _looks_like_url(url):
            self.out.add(opened, "text_link", {"url": url})
        return after

    def _link_target(self, start: int) -> tuple[str, int]:
        src, size = self.src, len(self.src)
        chars: list[str] = []
        index = start + 1
        while index < size and src[index] != ")":
            if src[index] == "\\" and index + 1 < size:
                index += 1
            chars.append(src[index])
            index += 1
        if index >= size:
            raise self._fail("Can't find end of a URL", start)
        return "".join(chars), index + 1


def _parse_markdown(source: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown: *bold*, _italic_, `code`, ```pre``` and [text](url), no nesting."""
    out = _Output()
    index, size = 0, len(source)
    while index < size:
        char = source[index]
        if char == "\\" and source[index + 1 : index + 2] in ("_", "*", "`", "["):
            out.emit(source[index + 1])
            index += 2
        elif char not in "_*`[":
            out.emit(char)
            index += 1
        else:
            opened = _Open(char, out.u16, out.next_order(), index, len(out.parts))
            if source.startswith("```", index):
                index = _markdown_pre(source, index, out, opened)
            elif char == "[":
                index = _markdown_link(source, index, out, opened)
            else:
                close = source.find(char, index + 1)
                if close < 0:
                    raise _markdown_error(source, index)
                out.emit(source[index + 1 : close])
                out.add(opened, _MARKDOWN_PAIRS[char])
                index = close + 1
    return out.result()


_MARKDOWN_PAIRS: Final[Mapping[str, str]] = {"*": "bold", "_": "italic", "`": "code"}


def _markdown_error(source: str, index: int) -> MarkupError:
    return MarkupError(
        "can't parse entities: Can't find end of the entity starting at byte offset "
        f"{byte_offset(source, index)}"
    )


def _markdown_pre(source: str, index: int, out: _Output, opened: _Open) -> int:
    close = source.find("```", index + 3)
    if close < 0:
        raise _markdown_error(source, index)
    first, newline, rest = source[index + 3 : close].partition("\n")
    language = ""
    if newline and first and not any(char in _WHITESPACE for char in first):
        language, body = first, rest
    else:
        body = source[index + 3 : close].removeprefix("\n")
    out.emit(body)
    out.add(opened, "pre", {"language": language} if language else None)
    return close + 3


def _markdown_link(source: str, index: int, out: _Output, opened: _Open) -> int:
    close = source.find("](", index + 1)
    end = source.find(")", close + 2) if close >= 0 else -1
    if end < 0:
        raise _markdown_error(source, index)
    out.emit(source[index + 1 : close])
    url = source[close + 2 : end]
    if _looks_like_url(url):
        out.add(opened, "text_link", {"url": url})
    return end + 1
