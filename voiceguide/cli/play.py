"""``voiceguide play``: coach a whole session by voice and beeps, with a live display."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from voiceguide.adjust.overrides import Overrides
from voiceguide.adjust.weeks import Week
from voiceguide.app import load_timeline
from voiceguide.cli.options import echo_problems, override_options, run_errors, script_options
from voiceguide.errors import UsageError
from voiceguide.play.device import probe_output
from voiceguide.play.display import SessionView, make_display
from voiceguide.play.keys import key_reader
from voiceguide.play.player import Player, play_session
from voiceguide.store import history, resume
from voiceguide.store.library import resolve_script
from voiceguide.timeline.events import Timeline


def block_start(timeline: Timeline, block: str) -> int:
    """Start (ms) of the block named ``block`` (any case) or numbered ``block`` (from 1)."""
    for chapter in timeline.chapters:
        if block.strip().casefold() in (chapter.title.casefold(), str(chapter.block + 1)):
            return chapter.start_ms
    names = ", ".join(f"{c.block + 1} {c.title}" for c in timeline.chapters)
    raise UsageError(f"--from {block}: no such block (blocks: {names})")


@click.command()
@script_options
@override_options
@click.option("--from", "from_block", metavar="BLOCK",
              help="Start at a block, by name or number (1 = first).")
@click.option("--resume", "resume_", is_flag=True,
              help="Start at the beginning of the set that was interrupted last time.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing while playing.")
def play(script: str, week: Week, overrides: Overrides, from_block: str | None,
         resume_: bool, quiet: bool) -> None:
    """Play a session: put the device down and follow the voice and the beeps.

    SCRIPT is a path or the name of a bundled script (see `voiceguide list`).

    \b
    Keys (when run in a terminal):
      space        pause / resume
      n, right     skip to the next section
      b, left      back to the start of this section (twice: the previous one)
      q            quit (the position is kept for --resume)

    Quitting, Ctrl-C or a failure keeps the position for `--resume` (per script and
    week); finishing clears it. Every session is kept in `voiceguide history`;
    `--week next` plays the week after the last one you completed. Without a sound
    device, use `voiceguide export`.

    \b
    Examples:
      voiceguide play hip-thrust
      voiceguide play hip-thrust --week next
      voiceguide play hip-thrust --week 3 --from 2 --rest 60s
      voiceguide play my-workout.yaml --resume
    """
    with run_errors():
        if from_block is not None and resume_:
            raise UsageError("use either --from or --resume, not both")
        probe_output()
        from voiceguide.render.mixer import Renderer
        from voiceguide.speech.engine import EngineSpeech

        path = resolve_script(script)
        speech = EngineSpeech()
        timeline = load_timeline(str(path), week=week, speech=speech, overrides=overrides)
        week = timeline.week
        echo_problems(timeline.warnings)
        start_ms = 0
        if from_block is not None:
            start_ms = block_start(timeline, from_block)
        elif resume_:
            point = resume.load(path, week)
            if point is None:
                click.echo("no saved position for this script and week: starting at the "
                           "beginning", err=True)
            else:
                start_ms = point.at_ms
                click.echo(f"resuming at {point.label or 'the saved position'}", err=True)
        player = Player(timeline, Renderer(timeline, speech))
        keep = ResumeKeeper(path, week, player)
        finished = False
        started = datetime.now()
        try:
            with player:
                player.play(player.section_start(start_ms))  # sound first, display after
                with make_display(sys.stdout, quiet=quiet) as display, key_reader() as keys:
                    finished = play_session(player, SessionView(timeline), display, keys,
                                            on_section=keep.save)
        finally:
            player.close()
            if finished:
                resume.clear(path, week)
            else:
                keep.save(player.resume_ms())
            history.record(played_session(path, timeline, player, started, finished))


def played_session(path: Path, timeline: Timeline, player: Player, started: datetime,
                   finished: bool) -> history.Session:
    """What the history keeps of this session; an unfinished one says where it stopped."""
    stopped = None if finished else player.section(player.resume_ms())
    return history.Session(
        script=str(path.resolve()), title=timeline.title, week=timeline.week,
        started_at=started, ended_at=datetime.now(), completed=finished,
        stopped_at_ms=None if finished else player.resume_ms(),
        stopped_in=stopped.label if stopped else None, skipped=tuple(player.skipped))


class ResumeKeeper:
    """Saves where a script (at a week) was left, by section start."""

    def __init__(self, script: Path, week: int | None, player: Player) -> None:
        self.script, self.week, self.player = script, week, player

    def save(self, at_ms: int) -> None:
        section = self.player.section(at_ms)
        label = section.label if section else ""
        resume.save(self.script, self.week, resume.ResumePoint(at_ms=at_ms, label=label))
