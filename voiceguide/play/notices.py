"""Warnings raised while a session plays (a music track skipped, on the render thread),
kept off the live panel: the panel shows them in a row of its own
(``display.LiveDisplay.notice``) and they are said on stderr once it is gone; without a
panel they are said at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Protocol


class Shows(Protocol):
    """A display: ``notice`` shows a warning (True) or leaves it to be said now (False)."""

    def notice(self, message: str) -> bool: ...


class Warnings:
    """Where the warnings raised while a session plays go (a music track skipped, from
    the render thread): to ``say`` (stderr), except on the live panel, which shows each
    one and has it said once the panel is gone, so none is written over the panel.
    Warnings that come while the session starts, before there is a display, wait for it.
    """

    def __init__(self, say: Callable[[str], None] = lambda message: None) -> None:
        self.say = say
        self._lock = threading.Lock()
        self._kept: list[str] | None = None
        self._display: Shows | None = None

    def __call__(self, message: str) -> None:
        with self._lock:
            kept = self._kept
            if kept is not None and (self._display is None or self._display.notice(message)):
                kept.append(message)
                return
        self.say(message)

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Within: warnings wait for the display (``show_on``); after, the kept ones are
        said."""
        with self._lock:
            self._kept, self._display = [], None
        try:
            yield
        finally:
            with self._lock:
                kept, self._kept, self._display = self._kept or [], None, None
            with suppress(OSError):  # the terminal closed (SIGHUP): nowhere to say them
                for message in kept:
                    self.say(message)

    def show_on(self, display: Shows) -> None:
        """The display is up: it gets the warnings from now on and those kept so far."""
        with self._lock:
            self._display = display
            early, self._kept = self._kept or [], []
        for message in early:
            self(message)
