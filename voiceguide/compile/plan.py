"""Blocks into parts: what each set, move and rest says and at which offsets (the inside
of a timed part is ``compile.timed``).

Times here are relative to a part's start (ms); ``compile_layout`` puts parts on the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from voiceguide.compile.parts import Cue, Line, Mark, Part, Pause, Talk, Work
from voiceguide.compile.phrasebook import Phrasebook
from voiceguide.compile.timed import LONG_MS, TimedSpeech, sentence
from voiceguide.compile.words import duration, number
from voiceguide.problems import Loc, Problem
from voiceguide.script.model import (
    Block,
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

LOAD_MS = 20_000
"""Set-up time added before the first set of a block with a load to put on."""

SET_KINDS = (Exercise, Hold, March)
TIMED_KINDS = (Warmup, Exercise, Hold, March)


@dataclass(frozen=True)
class Count:
    """A set's regular beat: ``reps`` units of ``rep_ms`` (a march counts its steps)."""

    reps: int | None
    rep_ms: int | None
    unit: Literal["rep", "step"] | None


@dataclass
class Planner:
    """Turns a script's blocks into parts, in session order; collects its own warnings."""

    script: Script
    phrases: Phrasebook
    week_say: Spoken | None = None
    warnings: list[Problem] = field(default_factory=list)
    timed: TimedSpeech = field(init=False)
    """What the inside of its timed parts says."""

    def __post_init__(self) -> None:
        self.timed = TimedSpeech(self.phrases, self.language, self._warn)

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
            yield Talk(i, block.text.text, "say", (self.timed.said(block.text, "say"),))
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
        say_line = None if say is None else self.timed.said(say, "say")
        chatty = form if talk == "chatty" and ms >= LONG_MS else None
        yield Pause(i, after_set, "Rest", "rest", ms, head, preview, say_line,
                    self.timed.calls(ms, talk, loc), chatty, True, loc)

    def _warmup(self, i: int, block: Warmup) -> Iterator[Part]:
        go = Line(self.phrases.say("go"), "go", block.loc)
        for j, move in enumerate(block.moves, start=1):
            lead_in = [Line(sentence(block.name), "block", block.loc)] if j == 1 else []
            lead_in.append(Line(self.phrases.say(
                "move_intro", name=move.name, time=duration(move.time_ms, self.language)),
                "move_intro", move.loc))
            if move.say is not None:
                lead_in.append(self.timed.said(move.say, "say"))
            if j > 1 and block.transition_ms > 0:
                yield Pause(i, j - 1, "Transition", "transition", block.transition_ms, (),
                            None, None, (), None, False, block.loc)
            halfway: Line | None = Line(self.phrases.say("halfway"), "halfway", move.loc)
            marks = []
            if move.sides:
                marks.append(Mark(move.time_ms // 2, "tick", Line(
                    self.phrases.say("switch_sides"), "switch_sides", move.loc)))
                halfway = None
            marks += self.timed.time_marks(move.time_ms, block.talk, halfway, move.loc)
            yield Work(i, j, move.name, "move", tuple(lead_in),
                       self.timed.countdown(block.countdown_s, block.loc), go,
                       move.time_ms, tuple(marks), (), move.loc, name=move.name,
                       of=len(block.moves), sides=move.sides,
                       setup=sentence(move.say.text) if move.say else "")

    def _sets(self, i: int, block: SetBlock) -> Iterator[Part]:
        form = self.timed.form(block)
        setup = self._setup(i, block)
        for k in range(1, block.sets + 1):
            if k > 1:
                yield from self._rest(i, k - 1, block.rest_ms, None, None, block.loc,
                                      block.talk, form[0] if form else None)
            elif setup is not None:
                yield setup
            lead_in = [self._set_intro(block, k)]
            if k == 1 and block.setup is not None and setup is None:
                lead_in.append(self.timed.said(block.setup, "setup"))
            if k > 1 and block.setup_again is not None:
                lead_in.append(self.timed.said(block.setup_again, "setup"))
            if block.say is not None:
                lead_in.append(self.timed.said(block.say, "say"))
            start = block.cues.start
            if start is not None and block.talk != "minimal" and (
                    isinstance(block, March) or self.timed.start_before(block)):
                lead_in.append(self.timed.said(start, "cue"))
            label = f"{block.name}: set {k} of {block.sets}"
            go: Line | None = None
            if isinstance(block, Exercise):
                ms, marks, cues = self.timed.exercise(block)
                count = Count(block.reps, block.tempo.rep_ms, "rep")
            elif isinstance(block, Hold):
                ms, marks, cues = self.timed.hold(block)
                go = Line(self.phrases.say("go"), "go", block.loc)
                count = Count(None, None, None)
            else:
                ms, marks, cues = self.timed.march(block)
                count = Count(2 * block.reps, block.step_ms, "step")
            again: tuple[Cue, ...] = ()
            if block.talk == "minimal":
                cues = ()
            elif block.talk == "chatty" and ms >= LONG_MS and not isinstance(block, March):
                again = tuple(Cue(ms * 2 // 3, line) for line in form)
            yield Work(i, k, label, "set", tuple(lead_in),
                       self.timed.countdown(block.countdown_s, block.loc), go, ms, marks, cues,
                       block.loc, name=block.name, of=block.sets, reps=count.reps,
                       rep_ms=count.rep_ms, unit=count.unit,
                       setup=sentence(block.setup.text) if block.setup else "", again=again)

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
            head.append(self.timed.said(block.setup, "setup"))
        if load:
            head.append(Line(self.phrases.say("load", weight=str(weight)), "load", block.loc))
        return Pause(i, 1, f"{block.name}: set up", "setup", ms, tuple(head), None, None,
                     self.timed.calls(ms, block.talk, block.loc), None, False, block.loc)

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
            text = f"{text} {sentence(weight)}"
        return Line(text, "set_intro", block.loc)
