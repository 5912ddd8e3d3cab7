"""Reading the files a user names (scripts, beeps): regular files only, with the
size checked before anything is read.

A FIFO named as a script or sound would block ``open`` forever, a device such as
``/dev/zero`` never ends, and a 2 GB file read whole costs gigabytes of memory; each of
these is refused here with a reason the caller can put in its message.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from io import BufferedReader
from pathlib import Path

MAX_SCRIPT_BYTES = 1 << 20
"""Largest script accepted, in bytes of UTF-8 (1 MiB)."""
MAX_SOUND_BYTES = 10 << 20
"""Largest beep file accepted (10 MiB: a cue is cut to under a second anyway)."""


class UnreadableInput(Exception):
    """A named input cannot be read; ``reason`` says why, a whole message
    ("cannot read the script: Permission denied", "the sound is a folder")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_limited(path: str | os.PathLike[str], limit: int, what: str = "the file") -> bytes:
    """All bytes of the regular file ``path``, which must hold at most ``limit`` bytes."""
    with open_regular(path, limit, what) as file:
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise UnreadableInput(f"cannot read {what}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UnreadableInput(f"{what} is larger than {_size(limit)}")
    return data


def check_limited(path: str | os.PathLike[str], limit: int, what: str = "the file") -> None:
    """Raise ``UnreadableInput`` unless ``path`` is a readable regular file of at most
    ``limit`` bytes; reads nothing."""
    with open_regular(path, limit, what):
        pass


@contextmanager
def open_regular(path: str | os.PathLike[str], limit: int,
                 what: str = "the file") -> Iterator[BufferedReader]:
    """The file open for reading once it is known to be regular and small enough.

    Opened without blocking (a FIFO would otherwise wait for a writer) and checked with
    ``fstat`` on the open file, so nothing else can be swapped in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        raise UnreadableInput(f"cannot read {what}: {getattr(exc, 'strerror', None) or exc}"
                              ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableInput(f"{what} is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableInput(f"{what} is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise UnreadableInput(f"{what} is larger than {_size(limit)}")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        yield file


def is_regular_file(path: Path) -> bool:
    """True for a regular file (following symlinks); False for anything else or nothing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"
