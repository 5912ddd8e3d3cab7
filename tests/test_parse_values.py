"""Parsed values: durations, tempos, defaults, progression changes, overrides, files."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
import yaml

from voiceguide.errors import ScriptError
from voiceguide.problems import Loc
from voiceguide.script.model import Exercise, Hold, March, Rest, Spoken, Tempo, Warmup
from voiceguide.script.parse import load_script, parse_field, parse_script
from voiceguide.script.values import did_you_mean
from voiceguide.script.yaml_nodes import MAX_NODES, expanded_size


def parse_ok(text: str, path: str = "t.yaml"):
    script, problems = parse_script(textwrap.dedent(text), path)
    assert script is not None, [p.format() for p in problems]
    return script


@pytest.mark.parametrize(("written", "ms"), [
    ("45", 45_000), ("2.5", 2_500), ("45s", 45_000), ("2m", 120_000), ("1m30s", 90_000),
    ("0h5m", 300_000), ("0h1m5s", 65_000),
    ("1h", 3_600_000), ("1.5s", 1_500), ("'90'", 90_000), ("1m 30s", 90_000), ("0.0015", 2),
    ("1:30", 90_000),  # YAML 1.1 reads 1:30 as 90 (base 60), which is what people mean
])
def test_durations(written: str, ms: int) -> None:
    assert parse_field("hold", "time", written) == ("time_ms", ms)


@pytest.mark.parametrize(("written", "tempo"), [
    ("2-1-2", Tempo(2000, 1000, 2000)), ("2-1-2-1", Tempo(2000, 1000, 2000, 1000)),
    ("1.5-0-1.5", Tempo(1500, 0, 1500)), ("0 - 0 - 3", Tempo(0, 0, 3000)),
    ("10-10-10-10", Tempo(10_000, 10_000, 10_000, 10_000)),
])
def test_tempos(written: str, tempo: Tempo) -> None:
    assert parse_field("exercise", "tempo", written) == ("tempo", tempo)


@pytest.mark.parametrize(("kind", "key", "text", "result"), [
    ("exercise", "rest", "90s", ("rest_ms", 90_000)),
    ("exercise", "rest", "0", ("rest_ms", 0)),
    ("exercise", "reps", "10", ("reps", 10)),
    ("exercise", "weight", "12.50", ("weight", "12.50")),
    ("exercise", "weight", "10 kg", ("weight", "10 kg")),
    ("exercise", "countdown", "5s", ("countdown_s", 5)),
    ("exercise", "count", "false", ("count", False)),
    ("march", "step", "1.5s", ("step_ms", 1_500)),
    ("march", "first", "right", ("first", "right")),
    ("warmup", "transition", "0", ("transition_ms", 0)),
    ("rest", "say", "Drink.", ("say", Spoken("Drink.", Loc(1, 1)))),
])
def test_parse_field(kind: str, key: str, text: str, result: tuple[str, object]) -> None:
    assert parse_field(kind, key, text) == result


@pytest.mark.parametrize(("kind", "key", "text", "message"), [
    ("exercise", "rset", "10", "<override>:1:1: error: exercise: unknown key 'rset' "
                               "(hint: did you mean 'rest'?)"),
    ("exercize", "rest", "10", "<override>:1:1: error: unknown block kind 'exercize' "
                               "(hint: did you mean 'exercise'?)"),
    ("hold", "time", "0", "<override>:1:1: error: time: must be more than 0 seconds"),
    ("hold", "time", "1h5m", "<override>:1:1: error: time: 1h5m is longer than the maximum "
                             "of 1 hour"),
    ("hold", "time", " ", "<override>:1:1: error: hold.time: no value given"),
    ("exercise", "reps", "[1", "<override>:1:3: error: invalid YAML: expected ',' or ']', "
                               "but got '<stream end>' (hint: while parsing a flow sequence "
                               "at line 1)"),
    ("exercise", "sets", "!!python/name:os.system", "<override>:1:1: error: tag "
     "!!python/name:os.system is not allowed: scripts hold plain values only "
     "(hint: remove the tag)"),
    ("say", "sets", "3", "<override>:1:1: error: say: unknown key 'sets' "
                         "(hint: say blocks have no other fields)"),
])
def test_parse_field_errors(kind: str, key: str, text: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_field(kind, key, text)
    assert [p.format() for p in caught.value.problems] == [message]
    assert caught.value.exit_code == 2


def test_defaults_then_format_defaults() -> None:
    script = parse_ok("""\
        workout: W
        defaults: {rest: 20s, tempo: 3-0-3, countdown: 5, count: false, transition: 0}
        blocks:
          - exercise: A
          - exercise: B
            rest: 0
            tempo: 1-1-1
          - hold: C
          - march: D
            count: true
          - warmup: E
            moves: [{name: m, time: 5}]
          - rest: 10
        """)
    a, b, c, d, e, rest = script.blocks
    assert a == Exercise(name="A", rest_ms=20_000, tempo=Tempo(3000, 0, 3000), countdown_s=5,
                         count=False, loc=Loc(4, 5))
    assert (b.rest_ms, b.tempo, b.countdown_s) == (0, Tempo(1000, 1000, 1000), 5)
    assert c == Hold(name="C", rest_ms=20_000, countdown_s=5, count=False, loc=Loc(8, 5))
    assert isinstance(d, March)
    assert (d.count, d.rest_ms, d.reps, d.step_ms) == (True, 20_000, 10, 1500)
    assert isinstance(e, Warmup) and (e.transition_ms, e.countdown_s) == (0, 5)
    assert rest == Rest(time_ms=10_000, loc=Loc(13, 5))


def test_model_defaults_without_defaults_mapping() -> None:
    script = parse_ok("workout: W\nblocks:\n  - exercise: A\n"
                      "  - warmup: B\n    moves: [{name: m, time: 5}]\n")
    exercise, warmup = script.blocks
    assert exercise == Exercise(name="A", loc=Loc(3, 5))
    assert (exercise.sets, exercise.rest_ms, exercise.rest_after_ms) == (1, 60_000, None)
    assert isinstance(warmup, Warmup) and (warmup.transition_ms, warmup.countdown_s) == (5_000, 3)
    assert (script.voice.language, script.voice.rate, script.beeps.sound) == ("en", 165, "tone")


def test_top_level_values() -> None:
    script = parse_ok("""\
        format: 1
        workout: '  Glutes  '
        description: For the back.
        language: de
        voice: {name: mb-de1, rate: 150, volume: 0.8}
        beeps: {volume: 0, sound: tone}
        phrases: {go: Los!, rest: 'Pause {time}.'}
        blocks: [say: Hallo]
        """)
    assert (script.workout, script.description) == ("Glutes", "For the back.")
    assert script.language == "de"
    assert (script.voice.name, script.voice.rate, script.voice.volume) == ("mb-de1", 150, 0.8)
    assert (script.beeps.volume, script.beeps.sound) == (0.0, "tone")
    assert script.phrases == (("go", "Los!"), ("rest", "Pause {time}."))


def test_cues_are_sorted_and_located() -> None:
    script = parse_ok("""\
        workout: W
        blocks:
          - hold: H
            time: 1m
            cues:
              at: {40s: Late., 20: Early.}
              every: {interval: 15s, say: Breathe.}
        """)
    hold = script.blocks[0]
    assert isinstance(hold, Hold)
    assert hold.cues.at == ((20_000, Spoken("Early.", Loc(6, 28))),
                            (40_000, Spoken("Late.", Loc(6, 17))))
    assert hold.cues.every is not None and hold.cues.every.interval_ms == 15_000


def test_progression_changes_use_model_names() -> None:
    script = parse_ok("""\
        workout: W
        blocks:
          - exercise: Hip thrust
          - hold: Plank
        progression:
          - week: 1
            say: Week one.
            set: {Hip thrust: {sets: 2, rest: 90s, tempo: 3-1-3, weight: 10 kg}}
          - week: 3
            set: {Plank: {time: 45s, rest_after: 0}}
        """)
    first, third = script.progression
    assert (first.week, first.say, first.loc) == (1, Spoken("Week one.", Loc(7, 10)), Loc(6, 5))
    assert first.changes == (("Hip thrust", (("sets", 2), ("rest_ms", 90_000),
                                             ("tempo", Tempo(3000, 1000, 3000)),
                                             ("weight", "10 kg"))),)
    assert third.changes == (("Plank", (("time_ms", 45_000), ("rest_after_ms", 0))),)


def test_merge_keys_and_anchors() -> None:
    script = parse_ok("""\
        workout: W
        blocks:
          - &thrust {exercise: A, sets: 3, reps: 10}
          - <<: *thrust
            exercise: B
            reps: 8
        """)
    a, b = script.blocks
    assert isinstance(a, Exercise) and isinstance(b, Exercise)
    assert (a.name, a.sets, a.reps) == ("A", 3, 10)
    assert (b.name, b.sets, b.reps) == ("B", 3, 8)


def test_billion_laughs_is_refused_by_the_alias_budget() -> None:
    """The classic 9-level document would expand to 10**9 values; its size is counted on
    the shared alias graph (a hundred nodes), so it is refused without being expanded."""
    lines = ['lol0: &l0 "lol"'] + [
        f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = "\n".join(["workout: W", "blocks: [say: hi]", *lines]) + "\n"
    script, problems = parse_script(text, "lol.yaml")
    assert script is None
    assert [p.format() for p in problems] == [
        f"lol.yaml:1:1: error: the document expands to more than {MAX_NODES:,} values "
        "(counting every use of an alias); refusing to expand it "
        "(hint: use fewer nested anchors and aliases)"]
    size = expanded_size(yaml.compose(text, Loader=yaml.SafeLoader))
    lols = sum((10 ** (level + 1) - 1) // 9 for level in range(10))
    assert size == 1 + 12 + 1 + 4 + lols  # root, its keys, "W", [{say: hi}], the lols


def test_text_over_one_mebibyte() -> None:
    text = "workout: W\nblocks: [say: hi]\n" + "#" * (1 << 20) + "\n"
    _, problems = parse_script(text, "big.yaml")
    assert [p.message for p in problems] == ["the script is larger than 1 MiB"]


def test_did_you_mean_prefers_swapped_letters() -> None:
    assert did_you_mean("rset", ["sets", "rest"]) == "rest"
    assert did_you_mean("tempp", ["tempo", "time"]) == "tempo"
    assert did_you_mean("zzz", ["rest"]) is None


# --- files ---

def test_load_script_reads_and_locates(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("\ufeffworkout: W\nblocks:\n  - rest: -1\n", encoding="utf-8")
    script, problems = load_script(path)
    assert script is None
    assert [p.format() for p in problems] == [f"{path}:3:11: error: rest: -1 is negative"]


@pytest.mark.parametrize(("content", "message"), [
    (b"workout: W\nblocks: [say: \xff]\n", ":2:15: error: the script is not UTF-8 text"),
    (b"#" * ((1 << 20) + 1), ":1:1: error: the script is larger than 1 MiB"),
])
def test_load_script_bad_bytes(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_bytes(content)
    script, problems = load_script(path)
    assert script is None and len(problems) == 1
    assert problems[0].format().startswith(f"{path}{message}")


def test_load_script_missing_or_unreadable(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert [p.format() for p in load_script(missing)[1]] == [
        f"{missing}:1:1: error: cannot read the script: No such file or directory"]
    assert load_script(tmp_path)[1][0].message == "the script is a folder"


def test_beep_sound_next_to_the_script_or_bundled(tmp_path: Path) -> None:
    (tmp_path / "sounds").mkdir()
    (tmp_path / "sounds" / "bell.wav").write_bytes(b"RIFF")
    path = tmp_path / "w.yaml"
    path.write_text("workout: W\nbeeps: {sound: sounds/bell.wav}\nblocks: [say: hi]\n")
    script, problems = load_script(path)
    assert script is not None and problems == []
    assert script.beeps.sound == str((tmp_path / "sounds" / "bell.wav").resolve())
    assert script.beeps.loc == Loc(2, 8)

    path.write_text("workout: W\nbeeps: {sound: go.wav}\nblocks: [say: hi]\n")
    script, _ = load_script(path)
    assert script is not None and os.path.isabs(script.beeps.sound)
    assert script.beeps.sound.endswith(os.path.join("beep_sounds", "go.wav"))


def test_beep_sound_unreadable(tmp_path: Path) -> None:
    (tmp_path / "dir.wav").mkdir()
    path = tmp_path / "w.yaml"
    path.write_text("workout: W\nbeeps: {sound: dir.wav}\nblocks: [say: hi]\n")
    _, problems = load_script(path)
    assert [(p.loc, p.message.split(":")[0]) for p in problems] == [(Loc(2, 16), "beeps.sound")]
    assert problems[0].message.endswith("dir.wav' is a folder")
