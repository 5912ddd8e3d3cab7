"""What a person sees while a session plays: a live panel on a terminal, else plain lines.

``SessionView`` (``view.py``) says where the session is; ``layout.py`` lays that out for
the terminal's size and ``screen.py`` draws it. Redirected output and dumb terminals get
one line per section; ``--quiet`` nothing. The panel is built after the sound has
started and imports nothing heavy, so it never delays the first cue.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from types import FrameType
from typing import IO, Protocol

from voiceguide.play.layout import frame
from voiceguide.play.screen import Screen, can_draw, colour_allowed
from voiceguide.play.view import Status
from voiceguide.timefmt import clock

MIN_REDRAW_S = 0.1
"""At most ten redraws a second; a new part or a pause is drawn at once."""


NOTICE_S = 15.0
"""How long the panel shows a warning (it is said on stderr again once the panel is gone)."""


class Display(Protocol):
    def __enter__(self) -> Display: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def update(self, status: Status) -> None: ...
    def notice(self, message: str) -> bool:
        """Show a warning (any thread): True when the panel shows it, to be said once the
        panel is gone; False: say it now."""
        ...


def heading(status: Status) -> str:
    """``Workout (week 3)``."""
    return status.title + (f" (week {status.week})" if status.week else "")


class LiveDisplay:
    """The full-terminal panel, redrawn on change and on a new terminal size; whole
    again after a suspend (Ctrl-Z, then ``fg``: the shell wrote over it meanwhile)."""

    def __init__(self, stream: IO[str], *, colour: bool,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.screen = Screen(stream, colour=colour)
        self.clock = clock
        self._last: tuple[float, int, bool, str] | None = None
        self._notice: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self._handling = False
        self._before: Callable[[int, FrameType | None], object] | int | None = None

    def __enter__(self) -> LiveDisplay:
        self.screen.__enter__()
        with suppress(ValueError):  # not the main thread: no signals, no redraw on fg
            self._before = signal.signal(signal.SIGCONT, self._continued)
            self._handling = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._handling:
            signal.signal(signal.SIGCONT, self._before or signal.SIG_DFL)
        self.screen.__exit__(*exc_info)

    def _continued(self, signum: int, frame: FrameType | None) -> None:
        self.screen.__enter__()  # the alternate screen again, cleared: drawn whole next
        self._last = None

    def notice(self, message: str) -> bool:
        with self._lock:
            self._notice = (message, self.clock())
        return True

    def update(self, status: Status) -> None:
        now = self.clock()
        with self._lock:
            notice = self._notice
        shown = notice[0] if notice and now - notice[1] < NOTICE_S else ""
        if self._last is not None:
            at, section, paused, was_shown = self._last
            if (now - at < MIN_REDRAW_S and section == status.section_index
                    and paused == status.paused and was_shown == shown):
                return
        self._last = (now, status.section_index, status.paused, shown)
        width, height = size = self.screen.size()
        self.screen.draw(frame(status, width, height, notice=shown), size)


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
            print(heading(status), file=self.stream)
        self._last = status.section_index
        print(f"{clock(status.elapsed_ms)} {status.label}", file=self.stream, flush=True)

    def notice(self, message: str) -> bool:
        return False


class NoDisplay:
    """``--quiet``: nothing at all."""

    def __enter__(self) -> NoDisplay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, status: Status) -> None:
        return None

    def notice(self, message: str) -> bool:
        return False


def is_live(stream: IO[str]) -> bool:
    """A terminal that can move its cursor (not ``TERM=dumb``, not a pipe or file) and
    whose encoding has the block characters."""
    return stream.isatty() and os.environ.get("TERM") != "dumb" and can_draw(stream)


def make_display(stream: IO[str], *, quiet: bool) -> LiveDisplay | LineDisplay | NoDisplay:
    if quiet:
        return NoDisplay()
    if is_live(stream):
        return LiveDisplay(stream, colour=colour_allowed())
    return LineDisplay(stream)
