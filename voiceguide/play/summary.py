"""What stays on the terminal after a session: one line on quit, the totals at the end.

The panel is gone by then (it lives on the alternate screen); these lines say where the
session stopped and the exact command that picks it up again, or what a finished one
did and what the history kept of it.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from voiceguide.store.history import Session
from voiceguide.timefmt import clock
from voiceguide.timeline.events import Timeline


def resume_command(script: str, week: int | None, options: Sequence[str] = ()) -> str:
    """``voiceguide play SCRIPT [--week N] [OPTIONS] --resume``, quoted for a shell.

    ``options`` are the overrides the session was played with: the resume point is a
    time in that timeline, so the same ones must be given again.
    """
    week_options = ["--week", str(week)] if week is not None else []
    return shlex.join(["voiceguide", "play", script, *week_options, *options, "--resume"])


def _work_word(timeline: Timeline) -> str:
    kinds = {s.kind for s in timeline.sections if s.work}
    return {frozenset({"set"}): "sets", frozenset({"move"}): "moves"}.get(
        frozenset(kinds), "sets and moves")


def stopped_line(timeline: Timeline, *, at_ms: int, resume_ms: int, command: str) -> str:
    """After a quit or Ctrl-C: where it stopped, how much was done, how to go on."""
    section = next((s for s in timeline.sections if s.start_ms <= resume_ms < s.end_ms),
                   None)
    where = f" in {section.label}" if section else ""
    work = [s for s in timeline.sections if s.work]
    done = sum(1 for s in work if s.end_ms <= at_ms)
    return (f"Stopped{where} at {clock(at_ms)} of {clock(timeline.total_ms)}, "
            f"{done} of {len(work)} {_work_word(timeline)} done. Resume with: {command}")


def finished_lines(timeline: Timeline, session: Session) -> list[str]:
    """After the last cue: the workout's totals, then the history entry it made."""
    took_ms = int((session.ended_at - session.started_at).total_seconds() * 1000)
    week = f" (week {timeline.week})" if timeline.week else ""
    skipped = f", {len(session.skipped)} skipped" if session.skipped else ""
    return [
        f"Workout complete: {timeline.title}{week}. Work {clock(timeline.work_ms)}, rest "
        f"{clock(timeline.rest_ms)}, time {clock(took_ms)}{skipped}.",
        f"History: {session.started_at:%Y-%m-%d %H:%M}  {clock(took_ms)}  {session.title}  "
        f"week {session.week or '-'}  completed",
    ]
