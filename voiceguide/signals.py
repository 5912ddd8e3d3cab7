"""SIGTERM (``kill``, a service manager) and SIGHUP (the terminal closed) stop a command
as Ctrl-C does: they raise ``Stopped``, a ``KeyboardInterrupt``, so everything that
keeps its state on Ctrl-C keeps it on these too (an export removes its temp file; play
gives the terminal back and saves the resume point and the history row). The exit
status is 128 plus the signal's number, as a shell reports a process the signal killed:
143 for SIGTERM, 129 for SIGHUP (Ctrl-C: 130).

Only the first of them is raised; later ones are ignored, so the keeping that follows
is not cut short (a closed terminal's shell passes the hang-up on again). Ctrl-C still
interrupts that keeping.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

STOPPING = {signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}
"""The signals that stop a command, and the line it leaves on stderr."""
INTERRUPTED = "interrupted", 130
"""Ctrl-C's line and exit status."""


class Stopped(KeyboardInterrupt):
    """A stopping signal arrived (``STOPPING``); handled wherever Ctrl-C is."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def report(exc: BaseException | None) -> int:
    """Say on stderr how a command was interrupted: by Ctrl-C, or by the stopping signal
    ``exc`` is; the exit status that goes with it."""
    line, status = INTERRUPTED
    if isinstance(exc, Stopped):
        line, status = STOPPING[signal.Signals(exc.signum)], 128 + exc.signum
    with suppress(OSError):  # SIGHUP: the terminal is gone, nowhere to say it
        sys.stderr.write(f"{line}\n")
        sys.stderr.flush()
    return status


def _stop(signum: int, frame: FrameType | None) -> None:
    for each in STOPPING:
        signal.signal(each, signal.SIG_IGN)
    raise Stopped(signum)


@contextmanager
def stopping_signals() -> Iterator[None]:
    """Within: SIGTERM and SIGHUP raise ``Stopped`` (the first of them only); after, the
    handlers that were there before. A signal ignored already stays ignored (``nohup``)."""
    before = {each: signal.getsignal(each) for each in STOPPING}
    for each, handler in before.items():
        if handler != signal.SIG_IGN:
            signal.signal(each, _stop)
    try:
        yield
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)
