"""The parsed script: frozen dataclasses, every value resolved and checked, every node located.

The parser fills in defaults (``defaults:`` of the script, then the format's), so the
compiler never guesses. Times are integer milliseconds. ``loc`` points at the node in the
source file so later stages (compile warnings, overrides) can report where a problem is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from voiceguide.problems import Loc

FORMAT_VERSIONS = (1,)
LANGUAGES = ("en", "de", "es", "fr")
TALK_LEVELS = ("minimal", "normal", "chatty")
"""How much the coach says: ``minimal`` intros, countdowns and counts; ``normal`` adds
cues and time calls; ``chatty`` adds the block's form cues again in long sets and rests."""
TEMPO_WORDS = ("first", "all", "off")
"""When an exercise speaks its phases ("Up", "Hold", "Down"): first reps, every rep, never."""
TalkLevel = Literal["minimal", "normal", "chatty"]
TempoWords = Literal["first", "all", "off"]
MAX_WEEK = 999
"""The last week a progression or ``--week``/``--weeks`` can name."""


@dataclass(frozen=True)
class Spoken:
    """A piece of text to speak, with where the script wrote it (for drop warnings)."""

    text: str
    loc: Loc = field(default_factory=Loc)


@dataclass(frozen=True)
class Tempo:
    """Seconds per phase of one rep, in ms: up (drive), hold (squeeze), down (lower), pause."""

    up_ms: int
    hold_ms: int
    down_ms: int
    pause_ms: int = 0

    @property
    def rep_ms(self) -> int:
        return self.up_ms + self.hold_ms + self.down_ms + self.pause_ms

    def phases(self) -> tuple[tuple[str, int], ...]:
        """The non-zero phases of one rep in order, as (name, ms)."""
        named = (("up", self.up_ms), ("hold", self.hold_ms), ("down", self.down_ms),
                 ("pause", self.pause_ms))
        return tuple((name, ms) for name, ms in named if ms > 0)


@dataclass(frozen=True)
class Every:
    """A cue repeated every ``interval_ms`` during a timed set."""

    interval_ms: int
    say: Spoken


@dataclass(frozen=True)
class Cues:
    """Coaching cues of a block. Which fields a kind accepts is checked by the parser:
    exercise: start, reps, halfway, last; march: start, reps, halfway, last;
    hold: start, halfway, every, at."""

    start: Spoken | None = None
    reps: tuple[tuple[int, Spoken], ...] = ()
    halfway: Spoken | None = None
    last: Spoken | None = None
    every: Every | None = None
    at: tuple[tuple[int, Spoken], ...] = ()


@dataclass(frozen=True)
class Move:
    """One timed move of a warm-up."""

    name: str
    time_ms: int
    sides: bool = False
    say: Spoken | None = None
    loc: Loc = field(default_factory=Loc)


@dataclass(frozen=True)
class SetFields:
    """Fields common to exercise, hold and march. ``rest_after_ms`` None means: same as rest."""

    sets: int = 1
    rest_ms: int = 60_000
    rest_after_ms: int | None = None
    setup: Spoken | None = None
    setup_again: Spoken | None = None
    """Said instead of ``setup`` before each later set: a shorter reminder."""
    setup_time_ms: int = 0
    """Time before the first set to get set up (bench, load), its ``setup`` said at its
    start; a load (a ``weight`` with a number) adds time to put it on."""
    cues: Cues = field(default_factory=Cues)
    countdown_s: int = 3
    count: bool = True
    say: Spoken | None = None
    talk: TalkLevel = "normal"


@dataclass(frozen=True)
class Warmup:
    name: str
    moves: tuple[Move, ...]
    countdown_s: int = 3
    transition_ms: int = 5_000
    talk: TalkLevel = "normal"
    loc: Loc = field(default_factory=Loc)
    kind: Literal["warmup"] = "warmup"


@dataclass(frozen=True)
class Exercise(SetFields):
    name: str = ""
    reps: int = 12
    tempo: Tempo = field(default_factory=lambda: Tempo(2000, 1000, 2000))
    tempo_words: TempoWords = "first"
    weight: str | None = None
    loc: Loc = field(default_factory=Loc)
    kind: Literal["exercise"] = "exercise"


@dataclass(frozen=True)
class Hold(SetFields):
    name: str = ""
    time_ms: int = 30_000
    loc: Loc = field(default_factory=Loc)
    kind: Literal["hold"] = "hold"


@dataclass(frozen=True)
class March(SetFields):
    name: str = ""
    reps: int = 10
    step_ms: int = 1_500
    first: Literal["left", "right"] = "left"
    loc: Loc = field(default_factory=Loc)
    kind: Literal["march"] = "march"


@dataclass(frozen=True)
class Rest:
    """A rest between (or anywhere among) blocks; previews the next block."""

    time_ms: int
    say: Spoken | None = None
    talk: TalkLevel = "normal"
    loc: Loc = field(default_factory=Loc)
    kind: Literal["rest"] = "rest"

    @property
    def name(self) -> str:
        return "Rest"


@dataclass(frozen=True)
class Say:
    """A single spoken announcement; lasts as long as its speech."""

    text: Spoken
    loc: Loc = field(default_factory=Loc)
    kind: Literal["say"] = "say"

    @property
    def name(self) -> str:
        return "Say"


Block = Warmup | Exercise | Hold | March | Rest | Say
SetBlock = Exercise | Hold | March
B = TypeVar("B", bound=Block)

FieldValues = tuple[tuple[str, Any], ...]
"""Model field -> value pairs chosen by name (a week's changes, an override). Each value
was converted by that field's key in the block field table (``script.blocks.FIELDS``), so
it has the field's type; ``Any`` because the field is only known at run time."""


def with_fields(block: B, fields: Iterable[tuple[str, Any]]) -> B:
    """``block`` with these model fields set; a field the block lacks raises TypeError."""
    return dataclasses.replace(block, **dict(fields))


@dataclass(frozen=True)
class VoiceSettings:
    """What the speech engine needs: language, voice (``piper:ID``, ``espeak:ID``, a bare
    id or name, or a ``.onnx`` path made absolute; None: best for language), rate in
    words per minute, volume 0-1."""

    language: str = "en"
    name: str | None = None
    rate: int = 165
    volume: float = 1.0


@dataclass(frozen=True)
class BeepSettings:
    """Beep level (0-1) and source: "tone" (bundled set) or a resolved file path."""

    volume: float = 0.6
    sound: str = "tone"
    loc: Loc = field(default_factory=Loc)


MUSIC_VOLUME_DB = -12.0
"""The bed's default loudness relative to the voice's, between lines (dB): each track is
brought there by its measured loudness, so the music sits 12 LU under the voice, and
under a line ``duck`` dB further."""
MUSIC_DUCK_DB = 12.0
"""How far the bed dips under a line by default (dB)."""
MUSIC_VOLUME_RANGE = (-60.0, 0.0)
MUSIC_DUCK_RANGE = (10.0, 40.0)


@dataclass(frozen=True)
class MusicSettings:
    """The music bed: ``path`` (resolved; None: no music) is a file, a folder or an
    ``.m3u`` playlist; ``volume`` its gain in dB, ``duck`` its dip under speech in dB;
    ``shuffle`` plays a folder in a shuffled (seeded) order."""

    path: str | None = None
    volume: float = MUSIC_VOLUME_DB
    duck: float = MUSIC_DUCK_DB
    shuffle: bool = False
    loc: Loc = field(default_factory=Loc)


@dataclass(frozen=True)
class ProgressionEntry:
    """Changes for week ``week`` and later: block name -> {field: parsed value}.

    Field names are model field names (``reps``, ``sets``, ``weight``, ``tempo``,
    ``rest_ms``, ``time_ms``, ...) with values already converted, so applying a week is
    ``with_fields(block, fields)``.
    """

    week: int
    say: Spoken | None = None
    changes: tuple[tuple[str, FieldValues], ...] = ()
    loc: Loc = field(default_factory=Loc)


@dataclass(frozen=True)
class Script:
    """A whole workout as written, defaults applied, not yet compiled."""

    path: str
    workout: str
    blocks: tuple[Block, ...]
    format: int = 1
    description: str | None = None
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    beeps: BeepSettings = field(default_factory=BeepSettings)
    music: MusicSettings = field(default_factory=MusicSettings)
    phrases: tuple[tuple[str, str], ...] = ()
    progression: tuple[ProgressionEntry, ...] = ()
    voice_name_loc: Loc = field(default_factory=Loc, compare=False)
    """Where ``voice: name:`` is written, for the error when no such voice is installed."""
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    """Per language, (text as written, its translation): see ``script.translations``."""
    written_in: str = "en"
    """The language the script's own texts are written in (its ``language:``); playing
    it in another one (``--language``) uses its translations."""

    @property
    def language(self) -> str:
        return self.voice.language
