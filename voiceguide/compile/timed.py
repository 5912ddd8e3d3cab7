"""What the inside of a timed part says: counts, phase words, side words, time calls, cues.

Offsets are ms from the part's start; ``compile.layout`` puts them on the clock and
decides, with the measured speech, which of the offered time calls fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voiceguide.compile.parts import Cue, Line, Mark
from voiceguide.compile.phrasebook import Phrasebook
from voiceguide.compile.words import duration, number
from voiceguide.problems import Loc
from voiceguide.script.model import Cues, Exercise, Hold, March, SetBlock, Spoken, TalkLevel

TIME_LEFT_MS = 10_000
"""The time-left callout comes this long before the end of a hold or rest..."""
TIME_LEFT_MIN_MS = 20_000
"""...when the hold or rest lasts at least this long."""
END_COUNT_FROM = 3
"""A hold ends with a spoken count down from this number, one a second."""
HALFWAY_MIN_REPS = 6
"""Sets shorter than this get no built-in "Halfway" (it would crowd the counts)."""
LONG_MS = 30_000
"""Holds and moves this long get a "Halfway" call; at ``chatty``, sets and rests this long
hear the block's form cues again."""
CALL_STEP_MS = 5_000
"""Time calls in a rest say a multiple of this ("Forty-five seconds left"), of three times
this from a minute up ("One minute fifteen left")."""
FIRST_WORD_REPS = 2
"""With ``tempo_words: first`` the phases are spoken on this many reps, then ticks."""
PHASE_PHRASES = {"up": "tempo_up", "hold": "tempo_hold", "down": "tempo_down",
                 "pause": "tempo_pause"}


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter (captions read it as one) and closing
    punctuation, so the voice pauses after it."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?…:;" else text + "."


def bare(text: str) -> str:
    """A phrase without its closing punctuation, to join it with another ("Right, one")."""
    return text.rstrip(".!?…:;¡¿ ")


@dataclass(frozen=True)
class TimedSpeech:
    """The lines of sets, holds, marches and moves, from the script's phrasebook;
    ``warn`` records a cue that never plays."""

    phrases: Phrasebook
    language: str
    warn: Callable[[Loc, str], None]

    def said(self, spoken: Spoken, tag: str) -> Line:
        """A line the script wrote, spoken as a sentence."""
        return Line(sentence(spoken.text), tag, spoken.loc)

    def calls(self, ms: int, talk: TalkLevel, loc: Loc) -> tuple[tuple[int, Line], ...]:
        """The time calls a rest (or set-up time) of ``ms`` may make, as (ms left, line):
        none at ``minimal`` or under 20 s; round times, see ``CALL_STEP_MS``."""
        if talk == "minimal" or ms < TIME_LEFT_MIN_MS:
            return ()
        return tuple((left, self._time_left(left, loc))
                     for left in range(TIME_LEFT_MS, ms - CALL_STEP_MS + 1, CALL_STEP_MS)
                     if left < 60_000 or left % (3 * CALL_STEP_MS) == 0)

    def _time_left(self, left_ms: int, loc: Loc) -> Line:
        return Line(self.phrases.say("time_left", time=duration(left_ms, self.language)),
                    "time_left", loc)

    def time_marks(self, ms: int, talk: TalkLevel, halfway: Line | None, loc: Loc
                    ) -> list[Mark]:
        """Time calls of a hold or move at ``normal`` and above: "Halfway." (``halfway``,
        None when something else is said there) when it lasts 30 s or more, "{time} left"
        at each whole minute left in longer ones, and 10 s before the end from 20 s."""
        if talk == "minimal":
            return []
        marks = []
        if ms >= LONG_MS and halfway is not None:
            marks.append(Mark(ms // 2, None, halfway))
        marks += [Mark(ms - left, None, self._time_left(left, loc))
                  for left in range(60_000, ms - CALL_STEP_MS, 60_000)
                  if abs(ms - left - ms // 2) >= 15_000]
        if ms >= TIME_LEFT_MIN_MS:
            marks.append(Mark(ms - TIME_LEFT_MS, None, self._time_left(TIME_LEFT_MS, loc)))
        return marks

    def countdown(self, seconds: int, loc: Loc) -> tuple[Line, ...]:
        return tuple(Line(number(n, self.language), "countdown", loc)
                     for n in range(seconds, 0, -1))

    def count(self, n: int, loc: Loc) -> Line:
        return Line(number(n, self.language), "count", loc)

    def _rep_cues(self, block: Exercise | March, rep_ms: int) -> tuple[Cue, ...]:
        """Cues placed at reps (march: pairs): ``reps``, ``halfway`` and ``last``, with the
        built-in "Halfway" and "Last rep" when an exercise counts and the cue is not given
        (a march's steps leave no room for them, and its pair count says as much)."""
        cues: Cues = block.cues
        reps = block.reps
        out: list[Cue] = []
        if cues.start is not None and isinstance(block, Exercise) and not self.start_before(
                block):
            out.append(Cue(0, self.said(cues.start, "cue"), 1))
        for n, spoken in cues.reps:
            if 1 <= n <= reps:
                out.append(Cue((n - 1) * rep_ms, self.said(spoken, "cue"), n))
            else:
                self.warn(spoken.loc, f"the cue for rep {n} is dropped: {block.name} has "
                                       f"{reps} reps")
        half = (reps + 1) // 2 + 1
        counted = block.count and isinstance(block, Exercise)
        halfway = self._cue_or_builtin(cues.halfway, "halfway", block,
                                       counted and reps >= HALFWAY_MIN_REPS)
        if halfway is not None and half <= reps:
            out.append(Cue((half - 1) * rep_ms, halfway, half))
        last = self._cue_or_builtin(cues.last, "last_rep", block, counted and reps >= 2)
        if last is not None:
            out.append(Cue((reps - 1) * rep_ms, last, reps))
        return tuple(out)

    def _cue_or_builtin(self, given: Spoken | None, phrase: str, block: SetBlock,
                        builtin: bool) -> Line | None:
        if given is not None:
            return self.said(given, "cue")
        return Line(self.phrases.say(phrase), phrase, block.loc) if builtin else None

    def form(self, block: SetBlock) -> tuple[Line, ...]:
        """The block's form cues (``start``, then the rep or ``at`` cues), said again at
        ``chatty`` in its rests and long sets (not between a march's steps: no gap)."""
        cues = block.cues
        said = ([cues.start] if cues.start else []) + [say for _, say in cues.reps + cues.at]
        return tuple(self.said(say, "cue") for say in said)

    def start_before(self, block: SetBlock) -> bool:
        """An exercise's ``start`` cue is said before the countdown when tempo words fill
        its first rep."""
        return isinstance(block, Exercise) and block.tempo_words != "off"

    def _phase_word(self, phase: str) -> str:
        return self.phrases.say(PHASE_PHRASES[phase])

    def _opening(self, block: SetBlock, word: str, room_ms: int) -> Mark:
        """The first line of rep 1 (a march's first step): "Go!", joined with ``word``
        when there is one ("Go! Left.", "Go! Up."); without a countdown no "Go!", but the
        count "one" when an exercise counts, else the word. A joined phase word that
        does not fit falls back to the line without it."""
        counted = isinstance(block, Exercise) and block.count
        if block.countdown_s == 0 and counted:
            plain = self.count(1, block.loc)
            line = self._count_word(1, word, block.loc) if word else plain
        elif block.countdown_s == 0 and word:
            plain = line = Line(word, "side" if isinstance(block, March) else "tempo",
                                block.loc)
        else:
            go = self.phrases.say("go")
            plain = Line(go, "go", block.loc)
            line = Line(f"{go} {word}", "go", block.loc) if word else plain
        fallback = None
        if isinstance(block, Exercise) and line != plain:
            fallback = Mark(0, None, plain, 1, room_ms)
        return Mark(0, None, line, 1, room_ms, fallback)

    def _count_word(self, n: int, word: str, loc: Loc) -> Line:
        """A rep count with its phase word ("Two, up.")."""
        phase = bare(word)
        return Line(self.phrases.say("count_phase", count=number(n, self.language),
                                     phase=phase[:1].lower() + phase[1:]), "count", loc)

    def _worded(self, block: Exercise, rep: int) -> bool:
        """Whether rep ``rep`` says its phases; ``first`` leaves the last rep of a set
        to its "Last rep." cue."""
        words = block.tempo_words
        return words == "all" or (words == "first" and rep <= FIRST_WORD_REPS
                                  and (rep < block.reps or block.reps == 1))

    def exercise(self, block: Exercise) -> tuple[int, tuple[Mark, ...], tuple[Cue, ...]]:
        """Rep counts at each rep start ("Go!" is rep 1, unless there is no countdown),
        a tick at every other phase change; on the reps ``tempo_words`` names, each phase
        is spoken ("Go! Up.", "Hold.", "Down.", "Two, up."), the tick standing in for a
        word too long for its phase."""
        rep_ms = block.tempo.rep_ms
        phases = block.tempo.phases()
        first_phase, first_ms = phases[0]
        marks: list[Mark] = []
        for r in range(1, block.reps + 1):
            start = (r - 1) * rep_ms
            worded = self._worded(block, r)
            word = self._phase_word(first_phase) if worded else ""
            tick = Mark(start, "tick", rep=r)
            if r == 1:
                marks.append(self._opening(block, word, first_ms))
            elif block.count:
                count = Mark(start, None, self.count(r, block.loc), r, first_ms)
                marks.append(Mark(start, None, self._count_word(r, word, block.loc), r,
                                  first_ms, count) if word else count)
            else:
                marks.append(Mark(start, None, Line(word, "tempo", block.loc), r, first_ms,
                                  tick) if word else tick)
            for (_, before_ms), (phase, phase_ms) in zip(phases, phases[1:], strict=False):
                start += before_ms
                tick = Mark(start, "tick", rep=r)
                marks.append(Mark(start, None, Line(self._phase_word(phase), "tempo",
                                                    block.loc), r, phase_ms, tick)
                             if worded else tick)
        return block.reps * rep_ms, tuple(marks), self._rep_cues(block, rep_ms)

    def march(self, block: March) -> tuple[int, tuple[Mark, ...], tuple[Cue, ...]]:
        """A side word on every step, both sides, "Go!" with the first; when counting, the
        second step of each pair adds the pair's number ("Go! Left.", "Right, one.",
        "Left.", "Right, two.", ...): ``reps`` is per side, so "Eight per side" is eight
        pairs."""
        sides = ("left", "right") if block.first == "left" else ("right", "left")
        marks = []
        for s in range(2 * block.reps):
            pair = s // 2 + 1
            side = self.phrases.say(sides[s % 2])
            if s == 0:
                marks.append(self._opening(block, side, block.step_ms))
                continue
            if block.count and s % 2:
                line = Line(self.phrases.say("side_count", side=bare(side),
                                             count=number(pair, self.language)),
                            "count", block.loc)
            else:
                line = Line(side, "side", block.loc)
            marks.append(Mark(s * block.step_ms, None, line, pair, block.step_ms))
        return (2 * block.reps * block.step_ms, tuple(marks),
                self._rep_cues(block, 2 * block.step_ms))

    def hold(self, block: Hold) -> tuple[int, tuple[Mark, ...], tuple[Cue, ...]]:
        """Time left at 10 s to go (holds of 20 s or more), 3-2-1 with beeps at the end
        (the numbers that fall at least a second after the start)."""
        ms = block.time_ms
        halfway = None
        if block.cues.halfway is None:
            halfway = Line(self.phrases.say("halfway"), "halfway", block.loc)
        marks = self.time_marks(ms, block.talk, halfway, block.loc)
        for n in range(END_COUNT_FROM, 0, -1):
            if ms - n * 1000 >= 1000:
                marks.append(Mark(ms - n * 1000, "countdown", Line(
                    number(n, self.language), "countdown", block.loc), room_ms=1000))
        cues = block.cues
        out = []
        if cues.start is not None:
            out.append(Cue(0, self.said(cues.start, "cue")))
        if cues.halfway is not None:
            out.append(Cue(ms // 2, self.said(cues.halfway, "cue")))
        if cues.every is not None:
            every = cues.every
            out.extend(Cue(t, self.said(every.say, "cue"))
                       for t in range(every.interval_ms, ms, every.interval_ms))
        for t, spoken in cues.at:
            if 0 <= t < ms:
                out.append(Cue(t, self.said(spoken, "cue")))
            else:
                self.warn(spoken.loc, f"the cue at {t / 1000:g} s is dropped: {block.name} "
                                       f"lasts {ms / 1000:g} s")
        return ms, tuple(marks), tuple(out)
