"""The compiler's intermediate plan: each block turned into parts, before times are known.

``compile_blocks`` turns blocks into parts (what is said and when, relative to a part's
start); ``compile_layout`` lays the parts end to end on the session clock, measuring
speech and fitting it around the timed parts. Offsets are integer milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from voiceguide.problems import Loc


@dataclass(frozen=True)
class Line:
    """A text to speak; ``loc`` is where the script wrote it (or the block), for warnings."""

    text: str
    tag: str
    loc: Loc


@dataclass(frozen=True)
class Mark:
    """An anchored event ``offset_ms`` after its part starts: a beep (``sound``), speech
    (``line``) or both at once (the countdown's "three" with its beep)."""

    offset_ms: int
    sound: str | None = None
    line: Line | None = None
    rep: int | None = None
    room_ms: int | None = None
    """Time the line has before the next thing it must leave room for (a phase, a step);
    a longer line is a warning (the tempo is too fast for the voice)."""
    fallback: Mark | None = None
    """What stands in, with a warning, for a line longer than ``room_ms`` (the tick for
    a phase word); None: the line is said anyway, with a warning."""


@dataclass(frozen=True)
class Cue:
    """A flexible line: wanted ``offset_ms`` after its part starts, moved to the first later
    gap in the part if that time is taken, dropped with a warning if no gap is left."""

    offset_ms: int
    line: Line
    rep: int | None = None


@dataclass(frozen=True)
class Work:
    """A timed part (one set, one warm-up move) lasting exactly ``duration_ms``.

    ``lead_in`` is spoken before it, then ``countdown`` (the numbers, highest first) one a
    second with beeps, the last a second before the start; the go beep sounds at the
    start, with ``go`` spoken (None when a mark speaks at offset 0).

    ``name``, ``of``, ``reps`` (each ``rep_ms``, counted in ``unit``), ``sides`` and
    ``setup`` (the block's setup line, a move's ``say``) are what the live display shows;
    they go into the part's sections as they are.
    """

    block: int
    set: int | None
    label: str
    kind: Literal["set", "move"]
    lead_in: tuple[Line, ...]
    countdown: tuple[Line, ...]
    go: Line | None
    duration_ms: int
    marks: tuple[Mark, ...]
    cues: tuple[Cue, ...]
    loc: Loc
    name: str = ""
    of: int | None = None
    reps: int | None = None
    rep_ms: int | None = None
    unit: Literal["rep", "step"] | None = None
    sides: bool = False
    setup: str = ""
    again: tuple[Cue, ...] = ()
    """Form cues said again (``talk: chatty``) where the ``cues`` left room; silently
    left out where they did not."""


@dataclass(frozen=True)
class Pause:
    """A rest or a warm-up transition lasting ``duration_ms`` from the end of what came
    before to the start of the next timed part, whose lead-in and countdown it ends with;
    or the time to set up before a block's first set, which lasts ``duration_ms`` before
    that set's lead-in.

    ``head`` is said at its start, then ``preview`` (dropped first when time is short);
    ``say`` is flexible, and so is ``form`` (a form cue again, at ``chatty``), which is
    left out silently when it finds no room. ``calls`` are the time
    calls it may make, as (ms left, line), from ten seconds up; empty: none. A ``strict``
    pause (a rest the script timed) that has to grow to fit its speech is a warning; a
    transition just grows.
    """

    block: int
    set: int | None
    label: str
    kind: Literal["rest", "transition", "setup"]
    duration_ms: int
    head: tuple[Line, ...]
    preview: Line | None
    say: Line | None
    calls: tuple[tuple[int, Line], ...]
    form: Line | None
    strict: bool
    loc: Loc


@dataclass(frozen=True)
class Talk:
    """Speech that takes as long as it is said: the welcome, a ``say`` block, the end."""

    block: int
    label: str
    kind: Literal["intro", "say", "outro"]
    lines: tuple[Line, ...]


Part = Work | Pause | Talk
