"""Apply command-line overrides to a parsed script, after its week.

Values are converted by the parser's own field table (``parse_field``), so a bad
override gets the same messages as a bad script, located in the option's text:
``--set:1:17: error: reps: 0 is out of range; it must be 1-100`` for
``--set "Hip thrust.reps=0"``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from voiceguide.adjust.overrides import Override, Overrides
from voiceguide.errors import ScriptError
from voiceguide.problems import Loc, Problem, sorted_problems
from voiceguide.script.blocks import FIELDS
from voiceguide.script.model import Block, Script, VoiceSettings, with_fields
from voiceguide.script.parse import parse_field
from voiceguide.script.values import choices_hint


def apply_overrides(script: Script, overrides: Overrides) -> Script:
    """The script with these changes; ScriptError lists every bad one at once.

    A change that leaves a cue outside its set (a rep cue beyond fewer reps, an ``at``
    time past a shorter hold) is not an error here, unlike in the file: the compiler
    drops the cue and warns, located at the cue."""
    problems: list[Problem] = []
    blocks = list(script.blocks)
    for change in overrides.fields:
        problems += _apply_field(blocks, change)
    if problems:
        raise ScriptError(sorted_problems(problems))
    return dataclasses.replace(script, blocks=tuple(blocks),
                               voice=_voice(script.voice, overrides))


def _voice(voice: VoiceSettings, overrides: Overrides) -> VoiceSettings:
    return VoiceSettings(
        language=voice.language if overrides.language is None else overrides.language,
        name=voice.name if overrides.voice is None else overrides.voice,
        rate=voice.rate if overrides.rate is None else overrides.rate, volume=voice.volume)


def _apply_field(blocks: list[Block], change: Override) -> list[Problem]:
    """Replace the field in every targeted block (in place); problems if none fits."""
    targets = [i for i, b in enumerate(blocks)
               if (change.block is None or b.name == change.block) and change.key in FIELDS[b.kind]]
    if not targets:
        return [_no_target(blocks, change)]
    for i in targets:
        try:
            attr, value = parse_field(blocks[i].kind, change.key, change.value,
                                      path=change.option)
        except ScriptError as exc:
            return [dataclasses.replace(p, loc=Loc(1, p.loc.column + change.value_column - 1))
                    for p in exc.problems]
        blocks[i] = with_fields(blocks[i], [(attr, value)])
    return []


def _no_target(blocks: Sequence[Block], change: Override) -> Problem:
    if change.block is None:
        return Problem(change.option, Loc(), "error",
                       f"no block in this script has {change.key!r} to change")
    names = [b.name for b in blocks]
    if change.block not in names:
        return Problem(change.option, Loc(), "error", f"no block named {change.block!r}",
                       choices_hint(change.block, dict.fromkeys(names), "blocks"))
    kind = blocks[names.index(change.block)].kind
    article = "an" if kind[0] in "aeiou" else "a"
    return Problem(change.option, Loc(1, len(change.block) + 2), "error",
                   f"{article} {kind} has no {change.key!r}",
                   choices_hint(change.key, FIELDS[kind]))
