"""Week-by-week changes: the script as it is played in a given week.

Playing week N applies every ``progression`` entry with ``week`` <= N, lowest week
first (entries of the same week in file order), so later entries win field by field.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from voiceguide.errors import ScriptError
from voiceguide.problems import Problem
from voiceguide.script.model import Block, ProgressionEntry, Script, Spoken, with_fields


def _entries(script: Script, week: int) -> list[ProgressionEntry]:
    return sorted((e for e in script.progression if e.week <= week), key=lambda e: e.week)


def apply_week(script: Script, week: int | None) -> Script:
    """The script with week ``week``'s changes applied; None (no week) means as written.

    Applied once, by the application layer, before the command line's overrides; the
    progression is kept, so the compiler still finds the week's ``say`` in it.
    """
    if week is None or not script.progression:
        return script
    changes: dict[str, dict[str, Any]] = {}
    origin: dict[str, ProgressionEntry] = {}
    for entry in _entries(script, week):
        for name, fields in entry.changes:
            changes.setdefault(name, {}).update(fields)
            origin[name] = entry
    return dataclasses.replace(
        script,
        blocks=tuple(_changed(script.path, block, changes, origin) for block in script.blocks))


def _changed(path: str, block: Block, changes: dict[str, dict[str, Any]],
             origin: dict[str, ProgressionEntry]) -> Block:
    fields = changes.get(block.name)
    if not fields or block.kind in ("rest", "say"):
        return block
    try:
        return with_fields(block, fields.items())
    except TypeError:
        unknown = sorted(set(fields) - {f.name for f in dataclasses.fields(block)})
        entry = origin[block.name]
        raise ScriptError([Problem(path, entry.loc, "error",
                                   f"week {entry.week}: a {block.kind} has no "
                                   f"{', '.join(unknown)} to change")]) from None


def week_say(script: Script, week: int | None) -> Spoken | None:
    """What is said after the welcome in week ``week``: that week's own ``say`` only (an
    earlier week's words would describe the wrong week)."""
    said = [e.say for e in script.progression if e.week == week and e.say is not None]
    return said[-1] if said else None
