"""Located problems: every issue in a script is reported at once, sorted by position."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Loc:
    """A 1-based line and column in a script file (PyYAML marks are 0-based: add one)."""

    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Problem:
    """One error or warning at a place in a file, printed as ``FILE:LINE:COL: level: message``."""

    file: str
    loc: Loc
    level: Level
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.loc.line, self.loc.column, self.message)

    def format(self) -> str:
        text = (f"{printable(self.file)}:{self.loc.line}:{self.loc.column}: {self.level}: "
                f"{printable(self.message)}")
        return f"{text} (hint: {self.hint})" if self.hint else text


def printable(text: object) -> str:
    """``text`` that any output stream can write: lone surrogates (a file name's bytes
    that are not UTF-8, as ``os.fsdecode`` holds them) shown as U+FFFD."""
    return str(text).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, as a reader walks the file."""
    return sorted(problems, key=Problem.sort_key)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == "error" for p in problems)
