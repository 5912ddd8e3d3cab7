"""Single key presses from a terminal, without Enter and without echo.

The terminal is put in cbreak mode (Ctrl-C still interrupts) for the session and
restored on exit, whatever happens. Arrow keys arrive as escape sequences.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import threading
import tty
from contextlib import suppress
from types import TracebackType
from typing import IO, Any

ESCAPES = {b"\x1b[C": "right", b"\x1b[D": "left", b"\x1bOC": "right", b"\x1bOD": "left"}
NAMES = {b" ": "space"}


def decode(data: bytes) -> list[str]:
    """Key names in ``data``: letters as themselves (lower case), ``space``, arrows."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        sequence = data[i : i + 3]
        if sequence in ESCAPES:
            keys.append(ESCAPES[sequence])
            i += 3
            continue
        byte = data[i : i + 1]
        if byte in NAMES:
            keys.append(NAMES[byte])
        elif byte.isalpha():
            keys.append(byte.decode().lower())
        i += 1
    return keys


class TerminalKeys:
    """Reads key presses from a terminal's file descriptor."""

    def __init__(self, stream: IO[str]) -> None:
        self.fd = stream.fileno()
        self._saved: list[Any] | None = None
        self._pending: list[str] = []
        self._hung_up = False
        self._idle = threading.Event()

    def __enter__(self) -> TerminalKeys:
        self._saved = termios.tcgetattr(self.fd)
        # TCSANOW: keys typed while play was starting stay readable (the default,
        # TCSAFLUSH, would drop them: a ``q`` pressed at the first sound went unheard).
        tty.setcbreak(self.fd, termios.TCSANOW)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._saved is not None:
            with suppress(termios.error):  # the terminal closed: nothing left to restore
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout_s: float) -> str | None:
        """The next key, or None if none is pressed within ``timeout_s`` seconds."""
        if self._hung_up:
            self._idle.wait(timeout_s)
            return None
        if not self._pending:
            ready, _, _ = select.select([self.fd], [], [], timeout_s)
            if ready:
                self._pending = decode(self._read())
        return self._pending.pop(0) if self._pending else None

    def _read(self) -> bytes:
        """Up to 64 bytes; after a hang-up no more reads (the session plays on)."""
        try:
            data = os.read(self.fd, 64)
        except OSError:
            data = b""
        self._hung_up = not data
        return data


class NoKeys:
    """Stands in when stdin is not a terminal: no keys, just the wait."""

    def __init__(self) -> None:
        self._never = threading.Event()

    def __enter__(self) -> NoKeys:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def read(self, timeout_s: float) -> str | None:
        self._never.wait(timeout_s)
        return None


def key_reader(stream: IO[str] = sys.stdin) -> TerminalKeys | NoKeys:
    """Terminal keys when ``stream`` is a terminal, else none."""
    try:
        return TerminalKeys(stream) if stream.isatty() else NoKeys()
    except (AttributeError, ValueError, OSError):
        return NoKeys()
