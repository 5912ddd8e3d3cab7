"""A program on a pseudo-terminal, its screen read through a terminal emulator (pyte):
what a person at that terminal would see, keys typed, the window resized."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable

import pyte

from voiceguide.play.digits import FONT, HEIGHT

HALVES = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}
GLYPHS = {rows: char for char, rows in sorted(FONT.items(), key=lambda item: item[0].isdigit())}
"""Glyphs to characters, digits winning where a letter looks the same (S and 5)."""


def read_big(lines: list[str]) -> str | None:
    """The big block text on a screen (``"0:21"``, ``"PAUSED"``), None if there is none."""
    rows = [line for line in lines if line.strip() and set(line) <= set(HALVES)]
    if not rows:
        return None
    pixels = [[HALVES[c][half] for c in row] for row in rows for half in (0, 1)]
    lit_rows = [i for i, row in enumerate(pixels) if any(row)]
    pixels = pixels[lit_rows[0]: lit_rows[-1] + 1]
    left = min(row.index(True) for row in pixels if any(row))
    right = max(len(row) - row[::-1].index(True) for row in pixels if any(row))
    scale = max(1, len(pixels) // HEIGHT)
    grid = ["".join("#" if pixels[r * scale][c] else "." for c in range(left, right, scale))
            for r in range(HEIGHT)]
    text, start = "", 0
    for column in range(len(grid[0]) + 1):
        if column == len(grid[0]) or all(row[column] == "." for row in grid):
            if column > start:
                glyph = GLYPHS.get(tuple(row[start:column] for row in grid))
                if glyph is None:
                    return None
                text += glyph
            start = column + 1
    return text.replace("5", "S") if any(c.isalpha() for c in text) else text


def seconds(clock: str | None) -> int | None:
    """``M:SS`` as seconds."""
    if clock is None or not re.fullmatch(r"\d+:\d\d", clock):
        return None
    minutes, secs = clock.split(":")
    return int(minutes) * 60 + int(secs)


def _take_terminal() -> None:
    """In the child, a session of its own: the terminal on stdin becomes its controlling
    terminal, so keys like Ctrl-C and closing the terminal send it signals."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """``command`` on a pseudo-terminal of ``columns`` x ``lines``."""

    def __init__(self, command: list[str], env: dict[str, str], *, columns: int = 100,
                 lines: int = 30) -> None:
        master, slave = pty.openpty()
        self.master = master
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self._set_size(columns, lines)
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave,
                                        stderr=subprocess.PIPE, start_new_session=True,
                                        preexec_fn=_take_terminal,
                                        env={"TERM": "xterm-256color",
                                             "PYTHONFAULTHANDLER": "1", **env})
        os.close(slave)
        self.settings = termios.tcgetattr(master)
        """The terminal's modes before the program changed them (the master reads the
        program's side)."""
        self.raw = b""
        """Everything the program wrote, escape codes included."""
        self.errors = ""
        """What it wrote to stderr (read by ``close``; a crash's traceback is there)."""

    def _set_size(self, columns: int, lines: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))

    def resize(self, columns: int, lines: int) -> None:
        """The window changes size, as when a person drags its corner."""
        self.pump(0)
        self.screen.resize(lines, columns)
        self._set_size(columns, lines)

    def send(self, key: bytes) -> float:
        """Type a key; returns when it was sent (monotonic s)."""
        os.write(self.master, key)
        return time.monotonic()

    def pump(self, timeout_s: float) -> bool:
        """Read what the program wrote within ``timeout_s``; False when nothing came."""
        ready, _, _ = select.select([self.master], [], [], timeout_s)
        data = b""
        if ready:
            with contextlib.suppress(OSError):  # EIO once the program has exited
                data = os.read(self.master, 65536)
        self.raw += data
        self.stream.feed(data)
        return bool(data)

    @property
    def lines(self) -> list[str]:
        return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)

    def big(self) -> str | None:
        return read_big(self.lines)

    def countdown_s(self) -> int | None:
        """The big countdown on screen, in seconds (None: none shown, or PAUSED)."""
        return seconds(self.big())

    def part(self) -> str:
        """The row that names the current part (the second one)."""
        return self.lines[1].strip()

    def elapsed(self) -> int:
        """The session's elapsed seconds as the screen shows them (-1: not shown)."""
        found = re.findall(r"(\d+):(\d\d) done", self.text())
        return int(found[-1][0]) * 60 + int(found[-1][1]) if found else -1

    def wait_for(self, condition: Callable[[Terminal], bool], timeout_s: float = 30.0) -> None:
        """Read the screen until ``condition(self)`` holds (fails the test after timeout)."""
        deadline = time.monotonic() + timeout_s
        while self.pump(0):  # all that was written: a frame drawn whole, not half of it
            pass
        while not condition(self):
            assert time.monotonic() < deadline, self.text()
            assert self.process.poll() is None, (self.text(), self.process.stderr.read())
            if self.pump(0.05):
                while self.pump(0):
                    pass

    def hang_up(self) -> int:
        """Close the terminal, as when a person closes its window: the kernel sends the
        program SIGHUP, and what it writes there fails. Its exit status."""
        os.close(self.master)
        self.process.wait(timeout=60)
        assert self.process.stderr is not None
        self.errors = self.process.stderr.read().decode(errors="replace")
        return self.process.returncode

    def close(self) -> int:
        """Wait for the program to end, reading all it writes; its exit status."""
        while self.process.poll() is None:
            self.pump(0.05)
        while self.pump(0):
            pass
        self.settings_left = termios.tcgetattr(self.master)
        """The terminal's modes as the program left them."""
        os.close(self.master)
        assert self.process.stderr is not None
        self.errors = self.process.stderr.read().decode(errors="replace")
        return self.process.returncode
