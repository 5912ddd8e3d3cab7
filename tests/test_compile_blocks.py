"""Exact event times for each block kind, with every spoken text lasting 500 ms.

The arithmetic behind each expectation is in the test: 300 ms pause between flowing
lines, countdown one a second, beep lengths from ``BEEP_MS``.
"""

from __future__ import annotations

import pytest

from tests.fakes import FakeSpeech
from voiceguide.compile.compiler import compile_script
from voiceguide.errors import ScriptError
from voiceguide.problems import Loc
from voiceguide.script.model import (
    Block,
    Cues,
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

SPEECH = FakeSpeech(ms_per_char=0, min_ms=500)


def compiled(*blocks: Block, voice: VoiceSettings | None = None,
             phrases: tuple[tuple[str, str], ...] = ()) -> Timeline:
    script = Script("t.yaml", "Day", blocks, voice=voice or VoiceSettings(), phrases=phrases)
    return compile_script(script, speech=SPEECH)


def exercise(**fields: object) -> Exercise:
    """An exercise with ticks only: these tests time the counts (phase words are in
    test_compile_coaching.py)."""
    return Exercise(tempo_words="off", **fields)  # type: ignore[arg-type]


def said(tl: Timeline) -> list[tuple[int, str]]:
    return [(e.at_ms, e.text) for e in tl.events if e.kind == "speech"]


def beeps(tl: Timeline) -> list[tuple[int, str | None]]:
    return [(e.at_ms, e.sound) for e in tl.events if e.kind == "beep"]


def spans(tl: Timeline) -> list[tuple[int, int, str, str]]:
    return [(s.start_ms, s.end_ms, s.kind, s.label) for s in tl.sections]


def test_hold_timing() -> None:
    tl = compiled(Hold(name="Plank", time_ms=20_000))
    # welcome 0-500; announcement 800-1300; countdown from 1600; go at 4600; ends 24600
    assert said(tl) == [
        (0, "Day."), (800, "Set one of one. Plank. Hold twenty seconds."),
        (1600, "three"), (2600, "two"), (3600, "one"), (4600, "Go!"),
        (14_600, "Ten seconds left."),
        (21_600, "three"), (22_600, "two"), (23_600, "one"),
        (25_300, "Workout complete. Great work."),
    ]
    assert beeps(tl) == [(1600, "countdown"), (2600, "countdown"), (3600, "countdown"),
                         (4600, "go"), (21_600, "countdown"), (22_600, "countdown"),
                         (23_600, "countdown"), (24_600, "end"), (26_100, "finish")]
    assert tl.total_ms == 27_000
    assert spans(tl) == [(0, 500, "intro", "Welcome"),
                         (500, 4600, "intro", "Plank: set 1 of 1 (get ready)"),
                         (4600, 24_600, "set", "Plank: set 1 of 1"),
                         (24_600, 27_000, "outro", "Done")]
    assert tl.work_ms == 20_000
    assert tl.warnings == ()


def test_exercise_sets_rest_and_counts() -> None:
    tl = compiled(exercise(name="Squat", sets=2, reps=3, tempo=Tempo(1000, 0, 1000),
                           rest_ms=10_000, countdown_s=2))
    set1 = [(800, "Set one of two. Squat. Three reps."), (1600, "two"), (2600, "one"),
            (3600, "Go!"), (5600, "two"), (7600, "three"), (8300, "Last rep.")]
    # the rest runs from the end beep (9600) to the next go (19600) and ends with the
    # next announcement and countdown: 500 + 300 + 2000 ms before the go
    rest = [(10_300, "Rest ten seconds."), (16_800, "Set two of two. Squat. Three reps."),
            (17_600, "two"), (18_600, "one")]
    set2 = [(19_600, "Go!"), (21_600, "two"), (23_600, "three"), (24_300, "Last rep.")]
    assert said(tl) == [(0, "Day."), *set1, *rest, *set2,
                        (26_300, "Workout complete. Great work.")]
    ticks = [at for at, sound in beeps(tl) if sound == "tick"]
    assert ticks == [4600, 6600, 8600, 20_600, 22_600, 24_600]
    assert [at for at, sound in beeps(tl) if sound == "end"] == [9600, 25_600]
    assert spans(tl)[1:5] == [(500, 3600, "intro", "Squat: set 1 of 2 (get ready)"),
                              (3600, 9600, "set", "Squat: set 1 of 2"),
                              (9600, 16_800, "rest", "Rest"),
                              (16_800, 19_600, "intro", "Squat: set 2 of 2 (get ready)")]
    assert tl.rest_ms == 7200


def test_exercise_without_countdown_counts_rep_one() -> None:
    tl = compiled(exercise(name="Squat", reps=2, tempo=Tempo(1000, 0, 1000), countdown_s=0))
    texts = [text for _, text in said(tl)]
    assert texts[2:4] == ["one", "two"]
    assert "Go!" not in texts


def test_exercise_count_false_is_quiet_but_ticks() -> None:
    tl = compiled(exercise(name="Squat", reps=8, tempo=Tempo(1000, 1000, 1000),
                           count=False, countdown_s=0))
    texts = [text for _, text in said(tl)]
    assert texts == ["Day.", "Set one of one. Squat. Eight reps.", "Go!",
                     "Workout complete. Great work."]
    assert len([s for _, s in beeps(tl) if s == "tick"]) == 8 * 3 - 1


def test_exercise_cues_and_builtin_halfway() -> None:
    tl = compiled(exercise(name="Squat", reps=6, tempo=Tempo(2000, 0, 2000), countdown_s=0,
                           setup=Spoken("Feet wide."),
                           cues=Cues(start=Spoken("Brace."), reps=((2, Spoken("Knees out.")),),
                                     last=Spoken("Last one."))))
    start = 800 + 500 + 300 + 500 + 300   # announcement, setup, each then a pause
    assert said(tl)[1:3] == [(800, "Set one of one. Squat. Six reps."), (1600, "Feet wide.")]
    cues = [(at - start, text) for at, text in said(tl)[3:-1]]
    assert cues == [(0, "one"), (700, "Brace."), (4000, "two"), (4700, "Knees out."),
                    (8000, "three"), (12_000, "four"), (12_700, "Halfway."),
                    (16_000, "five"), (20_000, "six"), (20_700, "Last one.")]


def test_march_says_both_sides_and_adds_the_pair_count() -> None:
    tl = compiled(March(name="March", reps=2, step_ms=2000, first="right", countdown_s=0,
                        cues=Cues(start=Spoken("Hips level."))))
    assert said(tl)[1:-1] == [
        (800, "Set one of one. March. Two per side."), (1600, "Hips level."),
        (2400, "Right."), (4400, "Left, one."), (6400, "Right."), (8400, "Left, two.")]
    assert beeps(tl)[:2] == [(2400, "go"), (10_400, "end")]


def test_march_after_a_countdown_says_go_with_the_first_step() -> None:
    tl = compiled(March(name="March", reps=1, step_ms=2000, countdown_s=1))
    steps = [(e.text, e.tag, e.rep) for e in tl.events if e.kind == "speech"][3:5]
    assert steps == [("Go! Left.", "go", 1), ("Right, one.", "count", 1)]


def test_march_without_count_alternates_sides() -> None:
    tl = compiled(March(name="March", reps=2, step_ms=1000, count=False, countdown_s=0))
    assert [t for _, t in said(tl)[2:-1]] == ["Left.", "Right.", "Left.", "Right."]


def test_warmup_moves_transition_and_switch_sides() -> None:
    tl = compiled(Warmup(name="Warm", countdown_s=1, transition_ms=3000, moves=(
        Move("Swings", 10_000, sides=True), Move("Circles", 5000))))
    assert said(tl) == [
        (0, "Day."), (800, "Warm."), (1600, "Swings. Ten seconds."), (2400, "one"),
        (3400, "Go!"), (8400, "Switch sides."),
        # transition 13400-16400, ending with the next move's intro and countdown
        (14_600, "Circles. Five seconds."), (15_400, "one"), (16_400, "Go!"),
        (22_100, "Workout complete. Great work.")]
    assert (8400, "tick") in beeps(tl)
    assert spans(tl)[3:5] == [(13_400, 14_600, "rest", "Transition"),
                              (14_600, 16_400, "intro", "Circles (get ready)")]
    assert [(c.start_ms, c.end_ms, c.title) for c in tl.chapters] == [(0, 23_800, "Warm")]


def test_rest_block_previews_warns_and_counts_into_next() -> None:
    tl = compiled(Rest(30_000, say=Spoken("Drink.")), Hold(name="Plank", time_ms=5000))
    assert said(tl)[:8] == [
        (0, "Day."), (800, "Rest thirty seconds."), (1600, "Next up: Plank."),
        (2300, "Drink."), (20_500, "Ten seconds left."),
        (26_700, "Set one of one. Plank. Hold five seconds."), (27_500, "three"),
        (28_500, "two")]
    assert spans(tl)[1:4] == [(500, 26_700, "rest", "Rest"),
                              (26_700, 30_500, "intro", "Plank: set 1 of 1 (get ready)"),
                              (30_500, 35_500, "set", "Plank: set 1 of 1")]
    assert [c.title for c in tl.chapters] == ["Rest", "Plank"]


def test_say_block_and_rest_after_before_next_block_only() -> None:
    tl = compiled(Hold(name="A", time_ms=5000, rest_ms=9000, rest_after_ms=12_000),
                  Say(Spoken("Well done.")), Hold(name="B", time_ms=5000),
                  Say(Spoken("Bye.")))
    texts = [t for _, t in said(tl)]
    assert "Rest twelve seconds." in texts
    assert texts.index("Rest twelve seconds.") < texts.index("Well done.")
    assert texts.count("Rest five seconds.") == 0
    assert texts[-1] == "Bye."
    assert "Workout complete. Great work." not in texts
    assert beeps(tl)[-1][1] == "finish"
    assert [s.kind for s in tl.sections].count("rest") == 1
    assert [c.title for c in tl.chapters] == ["A", "B"]


def test_short_rest_grows_with_a_warning() -> None:
    tl = compiled(Hold(name="A", sets=2, time_ms=5000, rest_ms=2000, loc=Loc(4, 3)))
    gos = [at for at, s in beeps(tl) if s == "go"]
    ends = [at for at, s in beeps(tl) if s == "end"]
    assert gos[1] - ends[0] > 2000
    assert [(w.loc, w.level) for w in tl.warnings] == [(Loc(4, 3), "warning")]
    assert "too short" in tl.warnings[0].message


def test_cue_without_room_is_dropped_with_located_warning() -> None:
    cue = Spoken("Squeeze.", Loc(9, 12))
    tl = compiled(Hold(name="A", time_ms=3000, cues=Cues(at=((2000, cue),))))
    assert "Squeeze." not in [t for _, t in said(tl)]
    assert [(w.loc, w.message[:10]) for w in tl.warnings] == [(Loc(9, 12), "'Squeeze.'")]


def test_rep_count_longer_than_its_phase_warns() -> None:
    slow = FakeSpeech(ms_per_char=0, min_ms=1500)
    script = Script("t.yaml", "Day", (exercise(name="Fast", reps=3, tempo=Tempo(1000, 0, 1000),
                                               loc=Loc(2, 3)),))
    tl = compile_script(script, speech=slow)
    assert any(w.loc == Loc(2, 3) and "longer than the 1.0 s" in w.message
               for w in tl.warnings)


def test_weight_is_spoken_in_the_announcement() -> None:
    tl = compiled(exercise(name="Thrust", reps=2, weight="10 kilograms"))
    assert "Set one of one. Thrust. Two reps. 10 kilograms." in [t for _, t in said(tl)]
    tl = compiled(exercise(name="Thrust", reps=2, weight="10 kg"),
                  phrases=(("set_intro", "{name} with {weight}, {reps} reps."),))
    assert "Thrust with 10 kg, two reps." in [t for _, t in said(tl)]


def test_language_words_and_overrides() -> None:
    tl = compiled(Rest(90_000), Hold(name="Brücke", time_ms=5000),
                  voice=VoiceSettings(language="de"), phrases=(("go", "Und los!"),))
    texts = [t for _, t in said(tl)]
    assert "Pause, eine Minute dreißig." in texts
    assert "Als Nächstes: Brücke." in texts
    assert "Und los!" in texts
    assert texts[-1] == "Training beendet. Gut gemacht."


def test_session_over_six_hours_is_an_error() -> None:
    hour = 3_600_000
    with pytest.raises(ScriptError, match="over 6 hours") as info:
        compiled(*(Hold(name=f"H{i}", time_ms=hour) for i in range(7)))
    assert info.value.problems[0].level == "error"


def test_over_twenty_thousand_events_is_an_error() -> None:
    blocks = [exercise(name=f"E{i}", sets=20, reps=100, tempo=Tempo(100, 100, 100),
                       rest_ms=0, count=False) for i in range(4)]
    with pytest.raises(ScriptError, match="20000 events"):
        compiled(*blocks)


def test_script_texts_are_spoken_as_sentences() -> None:
    tl = compiled(exercise(name="Squat", reps=2, weight="bodyweight",
                           cues=Cues(start=Spoken("drive up"))))
    texts = [t for _, t in said(tl)]
    assert "Set one of one. Squat. Two reps. Bodyweight." in texts
    assert "Drive up." in texts


def test_go_carries_rep_one() -> None:
    tl = compiled(exercise(name="Squat", reps=2))
    go = next(e for e in tl.events if e.tag == "go" and e.kind == "speech")
    assert (go.text, go.rep) == ("Go!", 1)
