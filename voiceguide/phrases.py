"""Phrase templates: which ones exist and which placeholders each accepts.

The packs with the words themselves are ``voiceguide/phrases/<language>.yaml``; a
script's ``phrases:`` overrides any template. Placeholders are filled with words of the
script's language (numbers and durations spoken as words).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

import yaml

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "welcome": ("workout",),
    "set_intro": ("set", "sets", "name", "reps", "weight"),
    "hold_intro": ("set", "sets", "name", "time", "weight"),
    "march_intro": ("set", "sets", "name", "reps", "weight"),
    "move_intro": ("name", "time"),
    "go": (),
    "rest": ("time",),
    "next_up": ("name",),
    "time_left": ("time",),
    "halfway": (),
    "last_rep": (),
    "switch_sides": (),
    "left": (),
    "right": (),
    "done": (),
}
"""Every phrase name and the placeholders its template may use."""

PACK_LANGUAGES: tuple[str, ...] = ("en", "de", "es", "fr")
"""Languages with a bundled phrase pack (``voiceguide/phrases/<language>.yaml``)."""


@functools.cache
def pack(language: str) -> Mapping[str, str]:
    """The bundled templates of a language, read once per process."""
    text = resources.files("voiceguide").joinpath("phrases", f"{language}.yaml").read_text(
        encoding="utf-8")
    return MappingProxyType(dict(yaml.safe_load(text)))


def placeholders_in(template: str) -> tuple[str, ...]:
    """The placeholder names a template uses, in order (``"{time} left."`` -> ``("time",)``).

    Raises ValueError for unbalanced braces, like ``str.format`` would.
    """
    return tuple(field for _, field, _, _ in string.Formatter().parse(template)
                 if field is not None)


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
