"""Phrase templates: which ones exist and which placeholders each accepts.

The packs with the words themselves are ``voiceguide/phrases/<language>.yaml``; a
script's ``phrases:`` overrides any template. Placeholders are filled with words of the
script's language (numbers and durations spoken as words).
"""

from __future__ import annotations

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
