"""Telegram's HTML parse mode for the content checks: valid or not, and the visible text.

One implementation of Telegram's rules serves the whole project: `bot.telegram_format`, which
the local Bot API formats its messages with and which mirrors the real server. The content
loader checks every catalogue text with it, so a text that passes here is one the Bot API
accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.telegram_format import MarkupError, format_text


@dataclass(frozen=True, slots=True)
class ParsedHtml:
    """A text parsed in HTML mode: what the reader sees, and what is wrong with the markup."""

    text: str
    problems: tuple[str, ...]


def parse_html(markup: str) -> ParsedHtml:
    """Parse `markup` as Telegram does; markup Telegram only tolerates counts as a problem."""
    try:
        formatted, warnings = format_text(markup, "HTML")
    except MarkupError as exc:
        return ParsedHtml(markup, (str(exc),))
    return ParsedHtml(formatted.text, tuple(warnings))


def html_problem(markup: str) -> str | None:
    """Return the first reason the Bot API would reject or frown on `markup`, or None."""
    problems = parse_html(markup).problems
    return problems[0] if problems else None
