"""The compiled session: frozen events at exact millisecond times, and the spans they form.

The timeline is everything render, play and export need; it knows nothing of devices or
files. ``Section`` spans are what play skips between and resumes at (a set, a rest, a
move) and ``Chapter`` spans are the blocks, used for audio chapters and ``--from``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from voiceguide.problems import Problem
from voiceguide.script.model import BeepSettings, MusicSettings, VoiceSettings

EventKind = Literal["speech", "beep"]
BEEP_SOUNDS: tuple[str, ...] = ("go", "tick", "countdown", "end", "finish")
BEEP_MS: dict[str, int] = {"go": 250, "tick": 60, "countdown": 150, "end": 400, "finish": 900}
"""Length of each beep in ms: the compiler places beeps with these lengths and the
renderer generates (or trims/pads bundled files to) exactly these lengths."""


@dataclass(frozen=True, kw_only=True)
class Event:
    """One cue. Speech: ``text`` is spoken, ``duration_ms`` its synthesized length.
    Beep: ``sound`` names the beep, ``duration_ms`` its length.

    ``tag`` says why the event is there (``welcome``, ``set_intro``, ``count``, ``cue``,
    ``countdown``, ``go``, ``tick``, ``end``, ``rest``, ``time_left``, ``done``, ...);
    ``block`` is the 0-based block index (-1 for session-level events like the welcome).
    """

    at_ms: int
    duration_ms: int
    kind: EventKind
    tag: str
    text: str = ""
    sound: str | None = None
    block: int = -1
    set: int | None = None
    rep: int | None = None

    @property
    def end_ms(self) -> int:
        return self.at_ms + self.duration_ms


@dataclass(frozen=True)
class Section:
    """A span play can skip to and resume at: a set, a rest, a move, an announcement, the
    time to set up before a block.

    A set or move and its get-ready (``intro``) carry the totals the live display shows
    ("set 2 of 3", "rep 7 of 12"), so it needs nothing but the timeline.
    """

    start_ms: int
    end_ms: int
    block: int
    label: str
    kind: Literal["intro", "setup", "set", "rest", "move", "say", "outro"]
    set: int | None = None
    work: bool = False
    name: str = ""
    """What the part is, without its numbering: "Hip thrust", "Leg swings", "Rest"."""
    of: int | None = None
    """How many sets (for a warm-up: moves) the block has; this one is ``set`` of ``of``."""
    reps: int | None = None
    """Counted units of a work part, each ``rep_ms`` long from its start: reps, or a
    march's steps (both sides)."""
    rep_ms: int | None = None
    unit: Literal["rep", "step"] | None = None
    sides: bool = False
    """A warm-up move done on one side, then (from halfway) the other."""
    setup: str = ""
    """How to get into position: the block's ``setup`` line (a warm-up move: its ``say``),
    shown during the rest before the set."""


@dataclass(frozen=True)
class Chapter:
    """One block's span: a chapter in exported audio."""

    start_ms: int
    end_ms: int
    block: int
    title: str


@dataclass(frozen=True)
class Timeline:
    """A compiled session. ``events`` are sorted by (at_ms, kind); speech never overlaps."""

    title: str
    language: str
    voice: VoiceSettings
    beeps: BeepSettings
    events: tuple[Event, ...]
    sections: tuple[Section, ...]
    chapters: tuple[Chapter, ...]
    total_ms: int
    week: int | None = None
    description: str | None = None
    """The script's ``description`` (``show`` prints it; it is never spoken)."""
    music: MusicSettings = field(default_factory=MusicSettings)
    """The script's music (``to_dict`` leaves it out: the timeline is the same with or
    without music)."""
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def work_ms(self) -> int:
        return sum(s.end_ms - s.start_ms for s in self.sections if s.work)

    @property
    def rest_ms(self) -> int:
        return sum(s.end_ms - s.start_ms for s in self.sections if s.kind == "rest")

    def speech_texts(self) -> list[str]:
        """Each distinct spoken text once, in first-use order (what render must synthesize)."""
        return list(dict.fromkeys(e.text for e in self.events if e.kind == "speech"))

    def to_dict(self) -> dict[str, object]:
        """The JSON form (``show --json``, ``export --timeline``); stable key order."""
        return {
            "title": self.title,
            "description": self.description,
            "language": self.language,
            "week": self.week,
            "total_ms": self.total_ms,
            "work_ms": self.work_ms,
            "rest_ms": self.rest_ms,
            "voice": asdict(self.voice),
            "chapters": [asdict(c) for c in self.chapters],
            "sections": [asdict(s) for s in self.sections],
            "events": [asdict(e) for e in self.events],
        }
