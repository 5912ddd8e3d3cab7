"""Which week of a program to play: a number, ``next`` (read from the history), or as written."""

from __future__ import annotations

from typing import Literal

from voiceguide.script.model import Script

NEXT_WEEK = "next"
Week = int | Literal["next"] | None
"""A week as the command line gives it: a number, ``next``, or None (as written)."""


def played_week(script: Script, week: Week, *, last_completed: int | None) -> int | None:
    """``next`` is the week after ``last_completed`` (the last week once the program is
    done; None for a script without progression); a number or None is kept."""
    if week != NEXT_WEEK:
        return None if week is None else int(week)
    if not script.progression:
        return None
    last = max(entry.week for entry in script.progression)
    return min((last_completed or 0) + 1, last)
