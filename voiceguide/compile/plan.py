"""Blocks into parts: what each set, move and rest says and at which offsets.

Times here are relative to a part's start (ms); ``compile_layout`` puts parts on the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from voiceguide.compile.parts import Cue, Line, Mark, Part, Pause, Talk, Work
from voiceguide.compile.phrasebook import Phrasebook
from voiceguide.compile.words import duration, number
from voiceguide.problems import Loc, Problem
from voiceguide.script.model import (
    Block,
    Cues,
    Exercise,
    Hold,
    March,
    Rest,
    Say,
    Script,
    SetBlock,
    Spoken,
    TalkLevel,
    Warmup,
)

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
LOAD_MS = 20_000
"""Set-up time added before the first set of a block with a load to put on."""
FIRST_WORD_REPS = 2
"""With ``tempo_words: first`` the phases are spoken on this many reps, then ticks."""
PHASE_PHRASES = {"up": "tempo_up", "hold": "tempo_hold", "down": "tempo_down",
                 "pause": "tempo_pause"}

SET_KINDS = (Exercise, Hold, March)
TIMED_KINDS = (Warmup, Exercise, Hold, March)


@dataclass(frozen=True)
class Count:
    """A set's regular beat: ``reps`` units of ``rep_ms`` (a march counts its steps)."""

    reps: int | None
    rep_ms: int | None
    unit: Literal["rep", "step"] | None


def _sentence(text: str) -> str:
    """Text as a sentence: a capital first letter (captions read it as one) and closing
    punctuation, so the voice pauses after it."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text[-1:] in ".!?…:;" else text + "."


def _bare(text: str) -> str:
    """A phrase without its closing punctuation, to join it with another ("Right, one")."""
    return text.rstrip(".!?…:;¡¿ ")


@dataclass
class Planner:
    """Turns a script's blocks into parts, in session order; collects its own warnings."""

    script: Script
    phrases: Phrasebook
    week_say: Spoken | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.script.language

    def parts(self) -> Iterator[Part]:
        """The whole session: welcome, blocks with the rests between them, the end."""
        welcome = [Line(self.phrases.say("welcome", workout=self.script.workout), "welcome",
                        Loc())]
        if self.week_say is not None:
            welcome.append(Line(self.week_say.text, "week", self.week_say.loc))
        yield Talk(-1, "Welcome", "intro", tuple(welcome))
        blocks = self.script.blocks
        for i, block in enumerate(blocks):
            yield from self._block(i, block)
            if isinstance(block, SET_KINDS) and self._rest_after_follows(i):
                rest_ms = block.rest_ms if block.rest_after_ms is None else block.rest_after_ms
                yield from self._rest(i, block.sets, rest_ms, None, self._next_timed(i),
                                      block.loc, block.talk)
        closing = isinstance(blocks[-1], Say)
        done = () if closing else (Line(self.phrases.say("done"), "done", Loc()),)
        yield Talk(-1, "Done", "outro", done)

    def _said(self, spoken: Spoken, tag: str) -> Line:
        """A line the script wrote, spoken as a sentence."""
        return Line(_sentence(spoken.text), tag, spoken.loc)

    def _warn(self, loc: Loc, message: str) -> None:
        self.warnings.append(Problem(self.script.path, loc, "warning", message))

    def _next_timed(self, i: int) -> Block | None:
        return next((b for b in self.script.blocks[i + 1:] if isinstance(b, TIMED_KINDS)),
                    None)

    def _rest_after_follows(self, i: int) -> bool:
        """A block's ``rest_after`` leads into a later timed block, unless the script put
        its own rest right after the block."""
        blocks = self.script.blocks
        return (i + 1 < len(blocks) and not isinstance(blocks[i + 1], Rest)
                and self._next_timed(i) is not None)

    def _block(self, i: int, block: Block) -> Iterator[Part]:
        if isinstance(block, Say):
            yield Talk(i, block.text.text, "say", (self._said(block.text, "say"),))
        elif isinstance(block, Rest):
            yield from self._rest(i, None, block.time_ms, block.say, self._next_timed(i),
                                  block.loc, block.talk)
        elif isinstance(block, Warmup):
            yield from self._warmup(i, block)
        else:
            yield from self._sets(i, block)

    def _rest(self, i: int, after_set: int | None, ms: int, say: Spoken | None,
              next_block: Block | None, loc: Loc, talk: TalkLevel,
              form: Line | None = None) -> Iterator[Part]:
        if ms <= 0:
            return
        head = (Line(self.phrases.say("rest", time=duration(ms, self.language)), "rest", loc),)
        preview = None
        if next_block is not None:
            preview = Line(self.phrases.say("next_up", name=next_block.name), "next_up", loc)
        say_line = None if say is None else self._said(say, "say")
        chatty = form if talk == "chatty" and ms >= LONG_MS else None
        yield Pause(i, after_set, "Rest", "rest", ms, head, preview, say_line,
                    self._calls(ms, talk, loc), chatty, True, loc)

    def _calls(self, ms: int, talk: TalkLevel, loc: Loc) -> tuple[tuple[int, Line], ...]:
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

    def _time_marks(self, ms: int, talk: TalkLevel, halfway: Line | None, loc: Loc
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

    def _warmup(self, i: int, block: Warmup) -> Iterator[Part]:
        go = Line(self.phrases.say("go"), "go", block.loc)
        for j, move in enumerate(block.moves, start=1):
            lead_in = [Line(_sentence(block.name), "block", block.loc)] if j == 1 else []
            lead_in.append(Line(self.phrases.say(
                "move_intro", name=move.name, time=duration(move.time_ms, self.language)),
                "move_intro", move.loc))
            if move.say is not None:
                lead_in.append(self._said(move.say, "say"))
            if j > 1 and block.transition_ms > 0:
                yield Pause(i, j - 1, "Transition", "transition", block.transition_ms, (),
                            None, None, (), None, False, block.loc)
            halfway: Line | None = Line(self.phrases.say("halfway"), "halfway", move.loc)
            marks = []
            if move.sides:
                marks.append(Mark(move.time_ms // 2, "tick", Line(
                    self.phrases.say("switch_sides"), "switch_sides", move.loc)))
                halfway = None
            marks += self._time_marks(move.time_ms, block.talk, halfway, move.loc)
            yield Work(i, j, move.name, "move", tuple(lead_in),
                       self._countdown(block.countdown_s, block.loc), go,
                       move.time_ms, tuple(marks), (), move.loc, name=move.name,
                       of=len(block.moves), sides=move.sides,
                       setup=_sentence(move.say.text) if move.say else "")

    def _sets(self, i: int, block: SetBlock) -> Iterator[Part]:
        form = self._form(block)
        setup = self._setup(i, block)
        for k in range(1, block.sets + 1):
            if k > 1:
                yield from self._rest(i, k - 1, block.rest_ms, None, None, block.loc,
                                      block.talk, form[0] if form else None)
            elif setup is not None:
                yield setup
            lead_in = [self._set_intro(block, k)]
            if k == 1 and block.setup is not None and setup is None:
                lead_in.append(self._said(block.setup, "setup"))
            if k > 1 and block.setup_again is not None:
                lead_in.append(self._said(block.setup_again, "setup"))
            if block.say is not None:
                lead_in.append(self._said(block.say, "say"))
            start = block.cues.start
            if start is not None and block.talk != "minimal" and (
                    isinstance(block, March) or self._start_before(block)):
                lead_in.append(self._said(start, "cue"))
            label = f"{block.name}: set {k} of {block.sets}"
            go: Line | None = None
            if isinstance(block, Exercise):
                ms, marks, cues = self._exercise(block)
                count = Count(block.reps, block.tempo.rep_ms, "rep")
            elif isinstance(block, Hold):
                ms, marks, cues = self._hold(block)
                go = Line(self.phrases.say("go"), "go", block.loc)
                count = Count(None, None, None)
            else:
                ms, marks, cues = self._march(block)
                count = Count(2 * block.reps, block.step_ms, "step")
            if block.talk == "minimal":
                cues = ()
            elif block.talk == "chatty" and ms >= LONG_MS and not isinstance(block, March):
                cues += tuple(Cue(ms * 2 // 3, line) for line in form)
            yield Work(i, k, label, "set", tuple(lead_in),
                       self._countdown(block.countdown_s, block.loc), go, ms, marks, cues,
                       block.loc, name=block.name, of=block.sets, reps=count.reps,
                       rep_ms=count.rep_ms, unit=count.unit,
                       setup=_sentence(block.setup.text) if block.setup else "")

    def _setup(self, i: int, block: SetBlock) -> Pause | None:
        """The time to get set up before a block's first set: its ``setup_time``, plus
        ``LOAD_MS`` to load a weight (a ``weight`` with a number in it: "10 kg" is a
        load, "bodyweight" is not). None when there is neither."""
        weight = getattr(block, "weight", None)
        load = weight is not None and any(ch.isdigit() for ch in weight)
        ms = block.setup_time_ms + (LOAD_MS if load else 0)
        if ms <= 0:
            return None
        head = [Line(self.phrases.say("setup_intro", name=block.name,
                                      time=duration(ms, self.language)), "setup", block.loc)]
        if block.setup is not None:
            head.append(self._said(block.setup, "setup"))
        if load:
            head.append(Line(self.phrases.say("load", weight=str(weight)), "load", block.loc))
        return Pause(i, 1, f"{block.name}: set up", "setup", ms, tuple(head), None, None,
                     self._calls(ms, block.talk, block.loc), None, False, block.loc)

    def _set_intro(self, block: SetBlock, k: int) -> Line:
        lang = self.language
        values = {"set": number(k, lang), "sets": number(block.sets, lang), "name": block.name}
        if isinstance(block, Hold):
            phrase, values["time"] = "hold_intro", duration(block.time_ms, lang)
        else:
            phrase = "set_intro" if isinstance(block, Exercise) else "march_intro"
            values["reps"] = number(block.reps, lang)
        weight = getattr(block, "weight", None)
        values["weight"] = weight or ""
        text = self.phrases.say(phrase, **values)
        if weight and not self.phrases.uses(phrase, "weight"):
            text = f"{text} {_sentence(weight)}"
        return Line(text, "set_intro", block.loc)

    def _countdown(self, seconds: int, loc: Loc) -> tuple[Line, ...]:
        return tuple(Line(number(n, self.language), "countdown", loc)
                     for n in range(seconds, 0, -1))

    def _count(self, n: int, loc: Loc) -> Line:
        return Line(number(n, self.language), "count", loc)

    def _rep_cues(self, block: Exercise | March, rep_ms: int) -> tuple[Cue, ...]:
        """Cues placed at reps (march: pairs): ``reps``, ``halfway`` and ``last``, with the
        built-in "Halfway" and "Last rep" when an exercise counts and the cue is not given
        (a march's steps leave no room for them, and its pair count says as much)."""
        cues: Cues = block.cues
        reps = block.reps
        out: list[Cue] = []
        if cues.start is not None and isinstance(block, Exercise) and not self._start_before(
                block):
            out.append(Cue(0, self._said(cues.start, "cue"), 1))
        for n, spoken in cues.reps:
            if 1 <= n <= reps:
                out.append(Cue((n - 1) * rep_ms, self._said(spoken, "cue"), n))
            else:
                self._warn(spoken.loc, f"the cue for rep {n} is dropped: {block.name} has "
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
            return self._said(given, "cue")
        return Line(self.phrases.say(phrase), phrase, block.loc) if builtin else None

    def _form(self, block: SetBlock) -> tuple[Line, ...]:
        """The block's form cues (``start``, then the rep or ``at`` cues), said again at
        ``chatty`` in its rests and long sets (not between a march's steps: no gap)."""
        cues = block.cues
        said = ([cues.start] if cues.start else []) + [say for _, say in cues.reps + cues.at]
        return tuple(self._said(say, "cue") for say in said)

    def _start_before(self, block: SetBlock) -> bool:
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
            plain = self._count(1, block.loc)
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
        bare = _bare(word)
        return Line(self.phrases.say("count_phase", count=number(n, self.language),
                                     phase=bare[:1].lower() + bare[1:]), "count", loc)

    def _worded(self, block: Exercise, rep: int) -> bool:
        """Whether rep ``rep`` says its phases; ``first`` leaves the last rep of a set
        to its "Last rep." cue."""
        words = block.tempo_words
        return words == "all" or (words == "first" and rep <= FIRST_WORD_REPS
                                  and (rep < block.reps or block.reps == 1))

    def _exercise(self, block: Exercise) -> tuple[int, tuple[Mark, ...], tuple[Cue, ...]]:
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
                count = Mark(start, None, self._count(r, block.loc), r, first_ms)
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

    def _march(self, block: March) -> tuple[int, tuple[Mark, ...], tuple[Cue, ...]]:
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
                line = Line(self.phrases.say("side_count", side=_bare(side),
                                             count=number(pair, self.language)),
                            "count", block.loc)
            else:
                line = Line(side, "side", block.loc)
            marks.append(Mark(s * block.step_ms, None, line, pair, block.step_ms))
        return (2 * block.reps * block.step_ms, tuple(marks),
                self._rep_cues(block, 2 * block.step_ms))

    def _hold(self, block: Hold) -> tuple[int, tuple[Mark, ...], tuple[Cue, ...]]:
        """Time left at 10 s to go (holds of 20 s or more), 3-2-1 with beeps at the end
        (the numbers that fall at least a second after the start)."""
        ms = block.time_ms
        halfway = None
        if block.cues.halfway is None:
            halfway = Line(self.phrases.say("halfway"), "halfway", block.loc)
        marks = self._time_marks(ms, block.talk, halfway, block.loc)
        for n in range(END_COUNT_FROM, 0, -1):
            if ms - n * 1000 >= 1000:
                marks.append(Mark(ms - n * 1000, "countdown", Line(
                    number(n, self.language), "countdown", block.loc), room_ms=1000))
        cues = block.cues
        out = []
        if cues.start is not None:
            out.append(Cue(0, self._said(cues.start, "cue")))
        if cues.halfway is not None:
            out.append(Cue(ms // 2, self._said(cues.halfway, "cue")))
        if cues.every is not None:
            every = cues.every
            out.extend(Cue(t, self._said(every.say, "cue"))
                       for t in range(every.interval_ms, ms, every.interval_ms))
        for t, spoken in cues.at:
            if 0 <= t < ms:
                out.append(Cue(t, self._said(spoken, "cue")))
            else:
                self._warn(spoken.loc, f"the cue at {t / 1000:g} s is dropped: {block.name} "
                                       f"lasts {ms / 1000:g} s")
        return ms, tuple(marks), tuple(out)
