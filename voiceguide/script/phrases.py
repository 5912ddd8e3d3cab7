"""Phrase templates: which ones exist and which placeholders each accepts.

The packs with the words themselves are ``voiceguide/script/phrase_packs/<language>.yaml``; a
script's ``phrases:`` overrides any template. Placeholders are filled with words of the
script's language (numbers and durations spoken as words).
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
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
    "side_count": ("side", "count"),
    "count_phase": ("count", "phase"),
    "setup_intro": ("name", "time"),
    "load": ("weight",),
    "tempo_up": (),
    "tempo_hold": (),
    "tempo_down": (),
    "tempo_pause": (),
    "done": (),
}
"""Every phrase name and the placeholders its template may use."""

"""Languages with a bundled phrase pack (``voiceguide/script/phrase_packs/<language>.yaml``)."""


@functools.cache
def pack(language: str) -> Mapping[str, str]:
    """The bundled templates of a language, read once per process."""
    packs = resources.files("voiceguide.script").joinpath("phrase_packs")
    text = packs.joinpath(f"{language}.yaml").read_text(encoding="utf-8")
    return MappingProxyType(dict(yaml.safe_load(text)))


def placeholders_in(template: str) -> tuple[str, ...]:
    """The placeholder names a template uses, in order (``"{time} left."`` -> ``("time",)``).

    Raises ValueError for unbalanced braces, like ``str.format`` would.
    """
    return tuple(field for _, field, _, _ in string.Formatter().parse(template)
                 if field is not None)
