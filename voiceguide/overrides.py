"""Command-line changes to a script, applied after its week: script < week < command line.

Values are converted by the parser's own field table (``parse_field``), so a bad
override gets the same messages as a bad script, located in the option's text:
``--set:1:13: error: reps: 0 is below the smallest allowed, 1``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from voiceguide.errors import ScriptError
from voiceguide.model import Block, Script, VoiceSettings
from voiceguide.parse import parse_field
from voiceguide.parse_blocks import FIELDS, block_conflicts
from voiceguide.problems import Loc, Problem, sorted_problems
from voiceguide.values import choices_hint


@dataclass(frozen=True)
class Override:
    """One field change: in the block named ``block``, or in every block with ``key``."""

    option: str
    key: str
    value: str
    block: str | None = None
    value_column: int = 1

    @classmethod
    def from_set(cls, text: str) -> Override:
        """``"Block name.key=value"``; a block name may itself contain dots."""
        target, equals, value = text.partition("=")
        block, dot, key = target.rpartition(".")
        if not equals or not dot or not block.strip() or not key.strip():
            raise ScriptError([Problem("--set", Loc(1, 1), "error",
                                       f"{text!r} is not BLOCK.KEY=VALUE",
                                       'e.g. --set "Hip thrust.reps=10"')])
        return cls("--set", key.strip(), value, block.strip(), len(target) + 2)


@dataclass(frozen=True)
class Overrides:
    """Everything the command line changes; empty changes nothing."""

    fields: tuple[Override, ...] = ()
    voice: str | None = None
    rate: int | None = None
    language: str | None = None

    def apply(self, script: Script) -> Script:
        """The script with these changes; ScriptError lists every bad one at once."""
        problems: list[Problem] = []
        blocks = list(script.blocks)
        for change in self.fields:
            problems += _apply_field(blocks, change)
        for block in blocks:
            problems += [Problem("--set", Loc(), issue.level, issue.message, issue.hint)
                         for issue in block_conflicts(block) if issue.level == "error"]
        if problems:
            raise ScriptError(sorted_problems(problems))
        return dataclasses.replace(script, blocks=tuple(blocks), voice=self._voice(script.voice))

    def _voice(self, voice: VoiceSettings) -> VoiceSettings:
        changes = {"name": self.voice, "rate": self.rate, "language": self.language}
        return dataclasses.replace(voice, **{k: v for k, v in changes.items() if v is not None})


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
        blocks[i] = dataclasses.replace(blocks[i], **{attr: value})
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
