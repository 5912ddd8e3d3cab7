"""Filling phrase templates: a script's language pack, then its ``phrases:``, as words."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping

from voiceguide.script.phrases import pack, placeholders_in


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each placeholder replaced by its value, whitespace collapsed.

    A value that starts a sentence gets a capital letter (for captions). Format specs are
    ignored: a template is user text, it must not size or convert anything.
    """
    out = ""
    for literal, field, _, _ in string.Formatter().parse(template):
        out += literal
        if field is not None:
            value = values.get(field, "")
            starts_sentence = not out.strip() or out.rstrip()[-1] in ".!?¡¿:"
            out += value[:1].upper() + value[1:] if starts_sentence else value
    return " ".join(out.split())


class Phrasebook:
    """The templates a script speaks with: its language's pack, then its ``phrases:``."""

    def __init__(self, language: str, overrides: Iterable[tuple[str, str]] = ()) -> None:
        self.language = language
        self._templates = {**pack(language), **dict(overrides)}

    def say(self, phrase: str, /, **values: str) -> str:
        """The phrase ``phrase`` with its placeholders filled (values already in words)."""
        return fill(self._templates[phrase], values)

    def uses(self, phrase: str, placeholder: str) -> bool:
        return placeholder in placeholders_in(self._templates[phrase])
