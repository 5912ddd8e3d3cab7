"""What a person sees while a session plays: a live panel on a terminal, else plain lines.

``SessionView`` answers "where are we" for any play-head time from the timeline alone;
the displays only draw it. Redirected output gets one line per section; ``--quiet`` none.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Protocol

from voiceguide.timeline.events import Section, Timeline


@dataclass(frozen=True)
class Status:
    """The session at one moment; times in ms from the session's start."""

    title: str
    block: str
    section: str
    set: int | None
    sets: int | None
    rep: int | None
    saying: str
    next_up: str
    elapsed_ms: int
    total_ms: int
    paused: bool
    section_index: int
    music: str = ""
    """The music track playing (its file name), "" without music."""

    @property
    def remaining_ms(self) -> int:
        return max(0, self.total_ms - self.elapsed_ms)


def mmss(ms: int) -> str:
    """``M:SS`` (``H:MM:SS`` past an hour) for a time in ms, rounded down to the second."""
    minutes, seconds = divmod(max(0, ms) // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class SessionView:
    """Looks up block, set, rep, speech, next section and music for a play-head time;
    ``music`` names the track heard at a time (None: no music)."""

    def __init__(self, timeline: Timeline, *,
                 music: Callable[[int], str | None] | None = None) -> None:
        self.timeline = timeline
        self.music = music
        self.title = timeline.title + (f" (week {timeline.week})" if timeline.week else "")
        self.sections = sorted(timeline.sections, key=lambda s: s.start_ms)
        self._starts = [s.start_ms for s in self.sections]
        self.events = timeline.events
        self._event_starts = [e.at_ms for e in self.events]
        self.blocks = {c.block: c.title for c in timeline.chapters}
        self.sets: dict[int, int] = {}
        for s in self.sections:
            if s.kind == "set" and s.set is not None:
                self.sets[s.block] = max(self.sets.get(s.block, 0), s.set)

    def status(self, at_ms: int, *, paused: bool = False) -> Status:
        index = bisect.bisect_right(self._starts, at_ms) - 1
        section = self.sections[index] if index >= 0 else None
        following = self.sections[index + 1] if index + 1 < len(self.sections) else None
        block = section.block if section else -1
        return Status(
            title=self.title,
            block=self.blocks.get(block, ""),
            section=section.label if section else "",
            set=section.set if section else None,
            sets=self.sets.get(block) if section and section.set is not None else None,
            rep=self._rep(at_ms, section),
            saying=self._saying(at_ms),
            next_up=following.label if following else "end",
            elapsed_ms=at_ms,
            total_ms=self.timeline.total_ms,
            paused=paused,
            section_index=index,
            music=(self.music(at_ms) or "") if self.music else "",
        )

    def _rep(self, at_ms: int, section: Section | None) -> int | None:
        if section is None:
            return None
        end = bisect.bisect_right(self._event_starts, at_ms)
        begin = bisect.bisect_left(self._event_starts, section.start_ms)
        reps = [e.rep for e in self.events[begin:end] if e.rep is not None]
        return reps[-1] if reps else None

    def _saying(self, at_ms: int) -> str:
        end = bisect.bisect_right(self._event_starts, at_ms)
        for event in reversed(self.events[max(0, end - 8) : end]):
            if event.kind == "speech" and event.end_ms > at_ms:
                return event.text
        return ""


class Display(Protocol):
    def __enter__(self) -> Display: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def update(self, status: Status) -> None: ...


def place(status: Status) -> str:
    """``Block - set 2 of 3 - rep 5``, leaving out what does not apply."""
    parts = [status.block or status.section]
    if status.set is not None:
        parts.append(f"set {status.set} of {status.sets}" if status.sets else f"set {status.set}")
    if status.rep is not None:
        parts.append(f"rep {status.rep}")
    return " - ".join(p for p in parts if p)


class LiveDisplay:
    """A rich panel redrawn in place on a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.live import Live

        self.live = Live(console=Console(file=stream), auto_refresh=False, transient=False)

    def __enter__(self) -> LiveDisplay:
        self.live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.live.__exit__(kind, exc, tb)

    def update(self, status: Status) -> None:
        from rich.console import Group
        from rich.panel import Panel
        from rich.progress_bar import ProgressBar
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("Now", place(status) + ("  [yellow](paused)[/]" if status.paused else ""))
        grid.add_row("Part", status.section or "-")
        grid.add_row("Saying", status.saying or "-")
        grid.add_row("Next", status.next_up)
        if status.music:
            grid.add_row("Music", status.music)
        grid.add_row("Time", f"{mmss(status.elapsed_ms)} elapsed, "
                             f"{mmss(status.remaining_ms)} left")
        bar = ProgressBar(total=max(1, status.total_ms), completed=status.elapsed_ms)
        keys = "[dim]space pause  n/-> next  b/<- back  q quit[/]"
        self.live.update(Panel(Group(grid, bar, keys), title=status.title), refresh=True)


class LineDisplay:
    """One line per section, for output that is not a terminal (logs, pipes)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._last: int | None = None

    def __enter__(self) -> LineDisplay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, status: Status) -> None:
        if status.section_index == self._last:
            return
        if self._last is None:
            print(status.title, file=self.stream)
        self._last = status.section_index
        print(f"{mmss(status.elapsed_ms)} {status.section}", file=self.stream, flush=True)


class NoDisplay:
    """``--quiet``: nothing at all."""

    def __enter__(self) -> NoDisplay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, status: Status) -> None:
        return None


def make_display(stream: IO[str], *, quiet: bool) -> LiveDisplay | LineDisplay | NoDisplay:
    if quiet:
        return NoDisplay()
    return LiveDisplay(stream) if stream.isatty() else LineDisplay(stream)
