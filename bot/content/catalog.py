"""Message catalogue: every user-facing text, by key and language, with safe formatting."""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from dataclasses import dataclass

_FORMATTER = string.Formatter()


def placeholders(template: str) -> frozenset[str]:
    """Return the names of the `{placeholders}` in a catalogue template."""
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name)


@dataclass(frozen=True, slots=True)
class Texts:
    """The texts of one language, falling back to the default language key by key."""

    language: str
    messages: Mapping[str, str]
    fallback: Mapping[str, str]

    def __call__(self, key: str, /, **values: object) -> str:
        """Return the text for `key` with `values` HTML-escaped into its placeholders."""
        template = self.messages.get(key)
        if template is None:
            template = self.fallback[key]
        if not values:
            return template
        return template.format_map({name: html.escape(str(v)) for name, v in values.items()})

    def markup(self, key: str, /, **fragments: str) -> str:
        """Return the text for `key` with already-rendered HTML fragments inserted verbatim."""
        template = self.messages.get(key) or self.fallback[key]
        return template.format_map(fragments)


@dataclass(frozen=True, slots=True)
class Catalog:
    """All loaded languages, each complete (the loader checks); `default` serves the rest."""

    default: str
    languages: Mapping[str, Mapping[str, str]]
    names: Mapping[str, str]

    def texts(self, language: str | None) -> Texts:
        """Return the texts for a language code, or the default language's if unsupported."""
        code = self.resolve(language)
        return Texts(code, self.languages[code], self.languages[self.default])

    def resolve(self, language: str | None) -> str:
        """Map an IETF tag such as `pt-BR` (or None) to a supported language code."""
        if language:
            primary = language.split("-", 1)[0].split("_", 1)[0].strip().lower()
            if primary in self.languages:
                return primary
        return self.default
