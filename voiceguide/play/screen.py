"""A full-terminal panel that changes only the rows that changed: no flicker.

It draws on the terminal's alternate screen (as ``less`` and ``top`` do), so leaving it
gives the terminal back as it was and the summary printed after it is all that stays.
Rows are rewritten in place (cursor to the row, text, erase to the end of the row); a
new terminal size redraws everything. Colours follow ``NO_COLOR``
(https://no-color.org): when it is set, no colour or style codes are written at all.
"""

from __future__ import annotations

import os
from typing import IO

from voiceguide.play.layout import Row

ENTER = "\x1b[?1049h\x1b[?25l\x1b[2J"
"""Alternate screen, cursor hidden, cleared."""
LEAVE = "\x1b[2J\x1b[H\x1b[?25h\x1b[?1049l"
"""Cleared (a terminal without an alternate screen keeps no panel either), cursor back."""
BEGIN_FRAME, END_FRAME = "\x1b[?2026h", "\x1b[?2026l"
"""Synchronized output: a terminal that knows it shows a frame whole, never half drawn
(others ignore the mode)."""
GLYPHS = "█▀▄░→←·…“”♪"
"""The characters the panel draws with; a terminal whose encoding lacks them gets lines."""
STYLES = {
    "bold": "1", "dim": "2", "key": "1;36", "work": "32", "rest": "36", "ready": "33",
    "talk": "37", "alert": "31", "paused": "35", "session": "34",
}
"""SGR codes of the style names the layout uses (several may apply: ``work bold``)."""


def can_draw(stream: IO[str]) -> bool:
    """True when ``stream``'s encoding has every character the panel uses."""
    try:
        GLYPHS.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def colour_allowed(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """False when ``NO_COLOR`` is set to anything but the empty string."""
    return not environ.get("NO_COLOR")


class Screen:
    """Draws frames of rows onto a terminal stream, writing only what changed."""

    def __init__(self, stream: IO[str], *, colour: bool) -> None:
        self.stream = stream
        self.colour = colour
        self._shown: list[str] = []
        self._size: tuple[int, int] | None = None
        self._closed = False

    def size(self) -> tuple[int, int]:
        """Columns and rows of the terminal now (80x24 when it cannot say)."""
        try:
            size = os.get_terminal_size(self.stream.fileno())
        except (OSError, ValueError):
            return 80, 24
        return max(1, size.columns), max(1, size.lines)

    def __enter__(self) -> Screen:
        """Onto the alternate screen, cleared; what was shown is forgotten."""
        self._shown, self._size = [], None
        self._write(ENTER)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._write(LEAVE)

    def styled(self, row: Row) -> str:
        if not self.colour:
            return "".join(text for text, _ in row)
        out = []
        for text, style in row:
            codes = ";".join(STYLES[name] for name in style.split())
            out.append(f"\x1b[{codes}m{text}\x1b[0m" if codes and text else text)
        return "".join(out)

    def draw(self, rows: list[Row], size: tuple[int, int]) -> None:
        """Show ``rows`` on a terminal of ``size``; rows equal to what is shown are skipped."""
        lines = [self.styled(row) for row in rows]
        out = []
        if size != self._size:
            self._size, self._shown = size, []
            out.append("\x1b[2J")
        for i, line in enumerate(lines):
            if i >= len(self._shown) or self._shown[i] != line:
                out.append(f"\x1b[{i + 1};1H{line}\x1b[K")
        self._shown = lines
        if out:
            self._write(BEGIN_FRAME + "".join(out) + END_FRAME)

    def _write(self, text: str) -> None:
        """Write now; once the terminal has closed (SIGHUP is on its way) nothing more."""
        if self._closed:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError:
            self._closed = True
