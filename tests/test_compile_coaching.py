"""What the coach says beyond the counts: talk levels, time calls, spoken tempo.

Unit tests use FakeSpeech (every text 500 ms); the silence property runs the bundled
scripts, every week, with the real engine's lengths.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.fakes import FakeSpeech
from voiceguide.compile.compiler import compile_script
from voiceguide.script.model import Cues, Exercise, Hold, Move, Script, Spoken, Tempo, Warmup
from voiceguide.timeline.events import Timeline

SPEECH = FakeSpeech(ms_per_char=0, min_ms=500)
MAX_SILENCE_MS = 40_000


def compiled(*blocks: object, speech: FakeSpeech = SPEECH) -> Timeline:
    return compile_script(Script("t.yaml", "Day", tuple(blocks)),  # type: ignore[arg-type]
                          speech=speech)


def spoken(tl: Timeline) -> list[tuple[int, str, str]]:
    return [(e.at_ms, e.tag, e.text) for e in tl.events if e.kind == "speech"]


def longest_silence(tl: Timeline) -> tuple[int, int]:
    """The longest stretch without speech, as (length, where it starts), in ms."""
    quiet, at, end = 0, 0, 0
    for event in tl.events:
        if event.kind == "speech":
            if event.at_ms - end > quiet:
                quiet, at = event.at_ms - end, end
            end = max(end, event.end_ms)
    return quiet, at


def test_phase_words_on_the_first_two_reps_then_ticks() -> None:
    tl = compiled(Exercise(name="Squat", reps=3, tempo=Tempo(2000, 1000, 2000)))
    reps = [(e.rep, e.text) for e in tl.events
            if e.kind == "speech" and e.rep is not None]
    assert reps == [(1, "Go! Up."), (1, "Hold."), (1, "Down."),
                    (2, "Two, up."), (2, "Hold."), (2, "Down."),
                    (3, "three"), (3, "Last rep.")]
    ticks = [e.at_ms - tl.events[0].at_ms for e in tl.events if e.sound == "tick"]
    assert len(ticks) == 2                       # rep 3's hold and down


def test_tempo_words_all_and_off() -> None:
    every = compiled(Exercise(name="Squat", reps=3, tempo_words="all"))
    assert [t for _, tag, t in spoken(every) if tag == "tempo"].count("Down.") == 3
    off = compiled(Exercise(name="Squat", reps=3, tempo_words="off"))
    assert not [t for _, tag, t in spoken(off) if tag == "tempo"]
    assert ("Go!" in [t for _, _, t in spoken(off)])


def test_a_phase_too_short_for_its_word_falls_back_to_the_tick() -> None:
    tl = compiled(Exercise(name="Squat", reps=3, tempo=Tempo(2000, 400, 2000)))
    texts = [t for _, _, t in spoken(tl)]
    assert "Hold." not in texts and texts.count("Down.") == 2
    assert sum(e.sound == "tick" for e in tl.events) == 4       # 2 holds, rep 3's two
    assert [w.message for w in tl.warnings] == [
        "'Hold.' takes 0.5 s, longer than the 0.4 s it has, so the tick stands in for it"]


def test_minimal_keeps_intros_countdowns_and_counts_only() -> None:
    hold = Hold(name="Plank", sets=2, time_ms=40_000, rest_ms=60_000, talk="minimal",
                cues=Cues(at=((5000, Spoken("Hips high.")),)))
    tags = {tag for _, tag, _ in spoken(compiled(hold))}
    assert tags == {"welcome", "set_intro", "countdown", "go", "rest", "done"}


def test_normal_calls_time_in_holds_moves_and_rests() -> None:
    hold = Hold(name="Plank", sets=2, time_ms=40_000, rest_ms=90_000)
    texts = [(at, t) for at, _, t in spoken(compiled(hold))]
    said = [t for _, t in texts]
    assert said.count("Halfway.") == 2 and said.count("Ten seconds left.") == 3
    assert "One minute left." in said and "Thirty-five seconds left." in said  # the rest
    move = Warmup(name="Warm", moves=(Move("Jog", 40_000),))
    assert [t for _, tag, t in spoken(compiled(move)) if tag in ("halfway", "time_left")] \
        == ["Halfway.", "Ten seconds left."]


def test_chatty_repeats_form_cues_in_long_sets_and_rests() -> None:
    cue = Spoken("Hips high.")
    hold = Hold(name="Plank", sets=2, time_ms=40_000, rest_ms=60_000,
                cues=Cues(start=cue))
    normal = [t for _, _, t in spoken(compiled(hold))].count("Hips high.")
    chatty = [t for _, _, t in spoken(compiled(dataclasses.replace(hold, talk="chatty")))]
    assert normal == 2 and chatty.count("Hips high.") == 5     # + each set, + the rest


@pytest.mark.engine
def test_no_bundled_script_leaves_forty_seconds_without_a_word() -> None:
    """At ``normal``, in every week (and as written), with the real voice's lengths."""
    from voiceguide.adjust.week import apply_week
    from voiceguide.app import load_checked
    from voiceguide.speech.engine import EngineSpeech
    from voiceguide.store.library import bundled_scripts

    speech = EngineSpeech()
    for entry in bundled_scripts():
        script = load_checked(entry.path)
        weeks = [None, *sorted({e.week for e in script.progression})]
        for week in weeks:
            played = apply_week(script, week)
            quiet, at = longest_silence(compile_script(played, speech=speech, week=week))
            assert quiet <= MAX_SILENCE_MS, (entry.name, week, quiet, at)


def test_setup_time_comes_before_the_first_set_with_its_setup_line() -> None:
    hold = Hold(name="Plank", sets=2, time_ms=20_000, setup_time_ms=30_000,
                setup=Spoken("Forearms under the shoulders."),
                setup_again=Spoken("Forearms down."))
    tl = compiled(hold)
    setup = next(s for s in tl.sections if s.kind == "setup")
    assert setup.end_ms - setup.start_ms == 30_000
    said = [(at, t) for at, _, t in spoken(tl)]
    assert said[1:3] == [(setup.start_ms + 300, "Plank. Set up, thirty seconds."),
                         (setup.start_ms + 1100, "Forearms under the shoulders.")]
    intros = [at for at, tag, _ in spoken(tl) if tag == "set_intro"]
    assert intros[0] == setup.end_ms
    assert [t for _, tag, t in spoken(tl) if tag == "setup"][2:] == ["Forearms down."]


def test_a_week_that_adds_load_adds_time_to_load_it() -> None:
    from voiceguide.adjust.week import apply_week
    from voiceguide.script.parse import parse_script

    script, _ = parse_script(
        "workout: Day\nblocks:\n  - exercise: Hip thrust\n    weight: bodyweight\n"
        "    setup_time: 15s\nprogression:\n  - week: 2\n"
        "    set: {Hip thrust: {weight: 10 kg}}\n", "t.yaml")
    assert script is not None

    def setup_ms(week: int) -> tuple[int, list[str]]:
        tl = compile_script(apply_week(script, week), speech=SPEECH, week=week)
        section = next(s for s in tl.sections if s.kind == "setup")
        return section.end_ms - section.start_ms, [t for _, tag, t in spoken(tl)
                                                   if tag == "load"]

    assert setup_ms(1) == (15_000, [])
    assert setup_ms(2) == (35_000, ["Load 10 kg."])


def test_ten_seconds_left_follows_a_long_announcement_between_blocks() -> None:
    """Between blocks the next block's announcement and setup may take more than ten
    seconds: they come first, then "Ten seconds left." ten seconds before the go."""
    long_setup = Spoken("Set the bench against the wall and sit in front of it. " * 3)
    tl = compiled(Hold(name="A", time_ms=20_000, rest_ms=60_000),
                  Hold(name="B", time_ms=20_000, setup=long_setup),
                  speech=FakeSpeech(ms_per_char=50))
    go_b = [e.at_ms for e in tl.events if e.sound == "go"][1]
    said = [(e.at_ms, e.tag, e.block) for e in tl.events if e.kind == "speech"]
    setup_at = next(at for at, tag, _ in said if tag == "setup")
    assert (go_b - 10_000, "time_left", 1) in said
    assert setup_at < go_b - 10_000
    assert longest_silence(tl)[0] <= 30_000


def test_a_march_step_too_short_for_side_and_count_warns() -> None:
    from voiceguide.script.model import March

    tl = compiled(March(name="March", reps=2, step_ms=400, countdown_s=0))
    assert any("'Right, one.' takes 0.5 s, longer than the 0.4 s it has" in w.message
               for w in tl.warnings)
