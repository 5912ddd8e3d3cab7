"""Command-line changes to a script, as asked: script < week < command line.

Only the request lives here (it is read when options are parsed, and it is part of the
timeline cache's key); ``adjust.apply.apply_overrides`` changes a parsed script with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceguide.errors import ScriptError
from voiceguide.problems import Loc, Problem


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

    def options(self) -> tuple[str, ...]:
        """The command-line options that ask for these overrides again (for a resume)."""
        out: list[str] = []
        for field in self.fields:
            out += (["--set", f"{field.block}.{field.key}={field.value}"]
                    if field.block is not None else [field.option, field.value])
        for option, value in (("--voice", self.voice), ("--rate", self.rate),
                              ("--language", self.language)):
            if value is not None:
                out += [option, str(value)]
        return tuple(out)


NO_OVERRIDES = Overrides()
