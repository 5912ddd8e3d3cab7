"""Invariants of every compiled timeline, over generated scripts (hypothesis).

Scripts are built from the model dataclasses directly, within the format's ranges
(kept small so each example compiles fast).
"""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes import FakeSpeech
from voiceguide.compile.compiler import compile_script
from voiceguide.problems import Loc
from voiceguide.script.model import (
    LANGUAGES,
    Cues,
    Every,
    Exercise,
    Hold,
    March,
    Move,
    Rest,
    Say,
    Script,
    Spoken,
    Tempo,
    VoiceSettings,
    Warmup,
)
from voiceguide.timeline.events import Timeline

texts = st.text(alphabet="abc def.", min_size=1, max_size=40).map(
    lambda s: s.strip() or "x")
spoken = st.builds(Spoken, texts, st.builds(Loc, st.integers(1, 99), st.integers(1, 9)))
seconds = st.integers(1, 90).map(lambda s: s * 1000)
maybe = st.none() | spoken
tempos = st.tuples(*(st.integers(0, 3000) for _ in range(4))).filter(any).map(
    lambda p: Tempo(*p))
cues = st.builds(Cues, start=maybe, halfway=maybe, last=maybe,
                 reps=st.lists(st.tuples(st.integers(1, 12), spoken), max_size=2).map(tuple))
hold_cues = st.builds(Cues, start=maybe, halfway=maybe,
                      every=st.none() | st.builds(Every, seconds, spoken),
                      at=st.lists(st.tuples(seconds, spoken), max_size=2).map(tuple))
common = {"sets": st.integers(1, 3), "rest_ms": st.integers(0, 60).map(lambda s: s * 1000),
          "rest_after_ms": st.none() | st.integers(0, 30).map(lambda s: s * 1000),
          "setup": maybe, "countdown_s": st.integers(0, 5), "count": st.booleans(),
          "say": maybe}
blocks = st.one_of(
    st.builds(Exercise, name=texts, reps=st.integers(1, 12), tempo=tempos,
              weight=st.none() | texts, cues=cues, **common),
    st.builds(Hold, name=texts, time_ms=seconds, cues=hold_cues, **common),
    st.builds(March, name=texts, reps=st.integers(1, 10),
              step_ms=st.integers(3, 30).map(lambda s: s * 100),
              first=st.sampled_from(["left", "right"]), cues=cues, **common),
    st.builds(Warmup, name=texts, countdown_s=st.integers(0, 5),
              transition_ms=st.integers(0, 10).map(lambda s: s * 1000),
              moves=st.lists(st.builds(Move, texts, seconds, st.booleans(), maybe),
                             min_size=1, max_size=3).map(tuple)),
    st.builds(Rest, st.integers(0, 60).map(lambda s: s * 1000), maybe),
    st.builds(Say, spoken),
)
scripts = st.builds(
    Script, st.just("gen.yaml"), texts, st.lists(blocks, min_size=1, max_size=5).map(tuple),
    voice=st.builds(VoiceSettings, language=st.sampled_from(LANGUAGES)))
speeches = st.builds(FakeSpeech, st.integers(0, 120), st.integers(50, 1500))

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _check(tl: Timeline) -> None:
    events = tl.events
    assert [(e.at_ms, e.kind) for e in events] == sorted((e.at_ms, e.kind) for e in events)
    speech = [e for e in events if e.kind == "speech"]
    for before, after in pairwise(speech):
        assert before.end_ms <= after.at_ms, (before, after)
    assert all(e.at_ms >= 0 and e.end_ms <= tl.total_ms for e in events)
    sections = tl.sections
    assert sections[0].start_ms == 0 and sections[-1].end_ms == tl.total_ms
    for before, after in pairwise(sections):
        assert before.end_ms == after.start_ms
    assert all(s.start_ms < s.end_ms for s in sections)
    assert sum(s.end_ms - s.start_ms for s in sections) == tl.total_ms
    chapters = tl.chapters
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == tl.total_ms
    for before, after in pairwise(chapters):
        assert before.end_ms == after.start_ms


@SETTINGS
@given(scripts, speeches)
def test_timeline_invariants(script: Script, speech: FakeSpeech) -> None:
    _check(compile_script(script, speech=speech))


@SETTINGS
@given(scripts, speeches)
def test_compiling_twice_gives_the_same_timeline(script: Script, speech: FakeSpeech) -> None:
    first = compile_script(script, speech=speech)
    second = compile_script(script, speech=speech)
    assert first == second
    assert first.warnings == second.warnings


@SETTINGS
@given(scripts)
def test_timed_parts_last_exactly_what_the_script_says(script: Script) -> None:
    tl = compile_script(script, speech=FakeSpeech())
    expected = 0
    for block in script.blocks:
        if isinstance(block, Exercise):
            expected += block.sets * block.reps * block.tempo.rep_ms
        elif isinstance(block, Hold):
            expected += block.sets * block.time_ms
        elif isinstance(block, March):
            expected += block.sets * 2 * block.reps * block.step_ms
        elif isinstance(block, Warmup):
            expected += sum(m.time_ms for m in block.moves)
    assert tl.work_ms == expected
