"""``voiceguide show``: the compiled timeline as a readable table or as JSON."""

from __future__ import annotations

import json
from bisect import bisect_right

import click

from voiceguide import timefmt
from voiceguide.adjust.overrides import Overrides
from voiceguide.app import load_timeline
from voiceguide.cli.options import echo_problems, override_options, run_errors, script_options
from voiceguide.cli.progress import engine_speech
from voiceguide.cli.table import aligned
from voiceguide.timeline.events import Event, Timeline


def clock(ms: int) -> str:
    """A time as ``show``, ``list`` and ``history`` print it: ``M:SS.s``."""
    return timefmt.clock(ms, 1)


def event_place(event: Event, moves: frozenset[tuple[int, int]] = frozenset()) -> str:
    """Where an event is: "set 2 rep 5", or "move 3" in a warm-up (``moves``: the
    (block, set) pairs that are warm-up moves)."""
    unit = "move" if (event.block, event.set) in moves else "set"
    parts = [f"{unit} {event.set}" if event.set is not None else "",
             f"rep {event.rep}" if event.rep is not None else ""]
    return " ".join(p for p in parts if p)


BLOCK_WIDTH = 28
"""Longest block title shown in the table; longer ones are cut with an ellipsis."""


def short(title: str) -> str:
    return title if len(title) <= BLOCK_WIDTH else title[:BLOCK_WIDTH - 1] + "…"


def table_lines(timeline: Timeline) -> list[str]:
    """One line per spoken cue and beep; tempo ticks are left out (see --json)."""
    starts = [c.start_ms for c in timeline.chapters]
    moves = frozenset((s.block, s.set) for s in timeline.sections
                      if s.kind == "move" and s.set is not None)
    rows = [("TIME", "BLOCK", "SET/REP", "SAID")]
    for event in timeline.events:
        if event.sound == "tick":
            continue
        said = event.text if event.kind == "speech" else f"[{event.sound} beep]"
        chapter = timeline.chapters[max(0, bisect_right(starts, event.at_ms) - 1)]
        title = short(chapter.title) if event.block >= 0 else ""
        rows.append((clock(event.at_ms), title, event_place(event, moves), said))
    return aligned(rows, right=frozenset({0}))


def totals_line(timeline: Timeline) -> str:
    return (f"session {clock(timeline.total_ms)}, work {clock(timeline.work_ms)}, "
            f"rest {clock(timeline.rest_ms)}, {len(timeline.events)} events")


@click.command()
@script_options
@override_options
@click.option("--json", "as_json", is_flag=True, help="Print the full timeline as JSON.")
def show(script: str, week: int | None, overrides: Overrides, as_json: bool) -> None:
    """Show when each cue is spoken, with the session's totals.

    SCRIPT is a path or the name of a bundled script (see `voiceguide list`).

    \b
    Examples:
      voiceguide show hip-thrust
      voiceguide show hip-thrust --week 3 --json > week3.json
      voiceguide show hip-thrust --rest 60s --set "Hip thrust.reps=10"
    """
    with run_errors():
        timeline = load_timeline(script, week=week, speech=engine_speech(),
                                 overrides=overrides)
    echo_problems(timeline.warnings)
    if as_json:
        click.echo(json.dumps(timeline.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(timeline.title + (f" (week {timeline.week})" if timeline.week else ""))
    if timeline.description:
        click.echo(timeline.description)
    for line in table_lines(timeline):
        click.echo(line)
    click.echo(totals_line(timeline))
