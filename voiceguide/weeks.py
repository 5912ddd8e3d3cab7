"""Which week of a program to play: a number, ``next`` (read from the history), or as written."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from voiceguide import history
from voiceguide.model import Script

NEXT_WEEK = "next"
Week = int | Literal["next"] | None
"""A week as the command line gives it: a number, ``next``, or None (as written)."""


def played_week(path: Path, script: Script, week: Week) -> int | None:
    """``next`` is the week after the last completed one in the history (the last
    week once the program is done; None for a script without progression)."""
    if week != NEXT_WEEK:
        return week  # type: ignore[return-value]
    if not script.progression:
        return None
    last = max(entry.week for entry in script.progression)
    return min((history.last_completed_week(str(path.resolve())) or 0) + 1, last)
