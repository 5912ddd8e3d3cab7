"""One played session, however it ends: where it starts, the resume point kept at each
section, the history row at the end and, on a terminal, the line left once the panel is
gone (``summary.py``: where it stopped and the command that resumes it, or the totals).

The finish (the music's decoders stopped, the resume point, the history row) runs
whatever ended the session: the end, ``q``, Ctrl-C (SIGTERM and SIGHUP are Ctrl-C's
too: ``signals.py``) or a device fault. When it fails as well, its failure is added to
the error that ended the session as a note, never put in that error's place, so the
first error keeps its message (a device fault's ``--resume`` hint) and its exit status
(Ctrl-C: 130).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from voiceguide.errors import OutputError, UsageError, VoiceguideError, add_note
from voiceguide.play.device import AudioOutput
from voiceguide.play.keys import key_reader
from voiceguide.play.notices import Warnings
from voiceguide.play.player import ChunkRenderer, Keys, Output, Player, play_session
from voiceguide.play.summary import finished_lines, stopped_line
from voiceguide.play.view import SessionView
from voiceguide.store import history, resume
from voiceguide.timeline.events import Timeline


def block_start(timeline: Timeline, block: str) -> int:
    """Start (ms) of the block named ``block`` (any case) or numbered ``block`` (from 1)."""
    for chapter in timeline.chapters:
        if block.strip().casefold() in (chapter.title.casefold(), str(chapter.block + 1)):
            return chapter.start_ms
    names = ", ".join(f"{c.block + 1} {c.title}" for c in timeline.chapters)
    raise UsageError(f"--from {block}: no such block (blocks: {names})")


def start_at(timeline: Timeline, script: Path, *, from_block: str | None,
             resumed: bool) -> tuple[int, str | None]:
    """Where to start (ms) for ``--from`` or ``--resume``, and what to tell the person."""
    if from_block is not None:
        return block_start(timeline, from_block), None
    if not resumed:
        return 0, None
    point = resume.load(script, timeline.week)
    if point is None or point.at_ms >= timeline.total_ms:
        return 0, "no saved position for this script and week: starting at the beginning"
    return point.at_ms, f"resuming at {point.label or 'the saved position'}"


@dataclass(frozen=True)
class Session:
    """A timeline of the script at ``script``, ready to play from ``start_ms``."""

    script: Path
    timeline: Timeline
    renderer: ChunkRenderer
    start_ms: int = 0
    note: str | None = None
    """What to tell the person about where it starts (``start_at``), if anything."""
    resume_command: str = ""
    """The command that resumes this session (``summary.resume_command``), for the line
    left on the terminal when it stops early."""
    warnings: Warnings = field(default_factory=Warnings)
    """Where the renderer's warnings go (its music's ``warn``): kept off the panel."""

    def run(self, *, quiet: bool,
            output_factory: Callable[[np.ndarray, int], Output] = AudioOutput,
            keys: Callable[[], AbstractContextManager[Keys]] = key_reader) -> bool:
        """Play to the end (True) or to ``q`` (False), keeping the resume point and the
        history whatever happens (see the module docstring)."""
        player = Player(self.timeline, self.renderer, output_factory=output_factory)
        keeper = ResumeKeeper(self.script, self.timeline.week, player)
        started = datetime.now()
        finished = False
        tell = not quiet and sys.stdout.isatty()  # a pipe keeps one line per section only
        ended: BaseException | None = None
        try:
            with self.warnings.kept(), player:
                player.play(player.section_start(self.start_ms))  # sound first, display after
                from voiceguide.play.display import make_display

                with make_display(sys.stdout, quiet=quiet) as display, keys() as reader:
                    self.warnings.show_on(display)
                    view = SessionView(self.timeline, music=self.renderer.track_name)
                    finished = play_session(player, view, display, reader,
                                            on_section=keeper.try_save)
        except BaseException as exc:  # whatever ended it: finish first, then raise it
            ended = exc
        played = played_session(self.script, self.timeline, player, started, finished)
        failures = self._finish(player, keeper, played)
        if tell:
            self._tell(player, played)
        first = ended if ended is not None else failures.pop(0) if failures else None
        if first is None:
            return finished
        for failure in failures:
            add_note(first, str(failure))
        raise first

    def _tell(self, player: Player, played: history.Session) -> None:
        """What stays on the terminal: a finished session's totals and history line, or
        where it stopped and the command that resumes it."""
        lines = finished_lines(self.timeline, played) if played.completed else [stopped_line(
            self.timeline, at_ms=player.position_ms(), resume_ms=player.resume_ms(),
            command=self.resume_command)]
        with suppress(OSError):  # a closed terminal: nothing to tell
            print("\n".join(lines), flush=True)

    def _finish(self, player: Player, keeper: ResumeKeeper,
                played: history.Session) -> list[VoiceguideError]:
        """Stop the music's decoders, save (or clear) the resume point, record the
        session: each step whatever the one before did; every failure."""
        steps: tuple[tuple[str, Callable[[], None]], ...] = (
            ("stop the music", self.renderer.close),
            ("keep the resume point", lambda: resume.clear(self.script, self.timeline.week)
             if played.completed else keeper.save(player.resume_ms())),
            ("record the session in the history", lambda: history.record(played)),
        )
        failures: list[VoiceguideError] = []
        for what, step in steps:
            try:
                step()
            except VoiceguideError as exc:
                failures.append(exc)
            except OSError as exc:
                failures.append(OutputError(f"cannot {what}: {exc}"))
        return failures


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

    def try_save(self, at_ms: int) -> None:
        """``save`` as a section starts: a failure must not stop the workout, and the
        save when the session ends reports it if it fails again."""
        with suppress(VoiceguideError, OSError):
            self.save(at_ms)
