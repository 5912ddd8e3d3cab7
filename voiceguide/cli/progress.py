"""Progress bars on a terminal (stderr), and the speech source that shows one while it
synthesizes: nothing is drawn when stderr is not a terminal, and rich is imported only
when a bar is drawn."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from voiceguide.speech.engine import EngineSpeech


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A bar counting up to ``total`` on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  TaskProgressColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.advance(task, done)


@contextmanager
def synthesis_progress(lines: int) -> Iterator[Callable[[], None]]:
    """``synthesizing N lines``, one step a line."""
    label = f"synthesizing {lines} line{'s' if lines != 1 else ''}"
    with progress_bar(lines, label) as advance:
        yield (lambda: advance(1)) if advance else _nothing


def _nothing() -> None:
    """No bar to advance."""


def engine_speech() -> EngineSpeech:
    """The real speech source for a command, with a bar while lines are synthesized."""
    return EngineSpeech(progress=synthesis_progress)
