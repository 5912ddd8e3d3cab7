"""Command-line overrides: precedence script < week < CLI, and located messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from voiceguide.cli import main

pytestmark = pytest.mark.engine


def timeline(*args: str) -> dict:
    result = CliRunner().invoke(main, ["show", "hip-thrust", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def hip_thrust_sets(data: dict) -> list[int]:
    """The set numbers of the traditional hip thrust (block 1) that have a work section."""
    return [s["set"] for s in data["sections"] if s["block"] == 1 and s["work"]]


def counts(data: dict, block: int) -> list[int]:
    return sorted({e["rep"] for e in data["events"] if e["block"] == block and e["rep"]})


def test_precedence_script_then_week_then_command_line() -> None:
    assert hip_thrust_sets(timeline()) == [1, 2, 3]                    # script: 3 sets
    assert hip_thrust_sets(timeline("--week", "1")) == [1, 2]          # week 1: 2 sets
    assert hip_thrust_sets(timeline("--week", "1", "--sets", "4")) == [1, 2, 3, 4]
    assert counts(timeline("--week", "1"), 1)[-1] == 8                 # week 1: 8 reps
    one_block = timeline("--week", "1", "--set", "Hip thrust.reps=7")
    assert counts(one_block, 1)[-1] == 7
    assert counts(one_block, 4)[-1] == 10                               # bridge keeps week 1


def test_rate_and_language_change_the_voice() -> None:
    slow, fast = timeline("--rate", "120"), timeline("--rate", "300")
    assert slow["voice"]["rate"] == 120 and fast["voice"]["rate"] == 300
    assert fast["total_ms"] < slow["total_ms"]
    german = timeline("--language", "de")
    assert german["language"] == "de"
    assert any(e["text"] == "Los!" for e in german["events"])


def test_bad_overrides_are_located_and_all_reported() -> None:
    result = CliRunner().invoke(main, [
        "show", "hip-thrust", "--set", "Hip trust.sets=2", "--set", "Hip thrust.reps=0",
        "--set", "Hip thrust.time=30s", "--tempo", "2-2", "--set", "nonsense"])
    assert result.exit_code == 2
    assert result.output == "--set:1:1: error: 'nonsense' is not BLOCK.KEY=VALUE " \
                            "(hint: e.g. --set \"Hip thrust.reps=10\")\n"
    result = CliRunner().invoke(main, [
        "show", "hip-thrust", "--set", "Hip trust.sets=2", "--set", "Hip thrust.reps=0",
        "--set", "Hip thrust.time=30s", "--tempo", "2-2"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "--set:1:1: error: no block named 'Hip trust' " \
                       "(hint: did you mean 'Hip thrust'?)"
    assert lines[1].startswith("--set:1:12: error: an exercise has no 'time'")
    assert lines[2].startswith("--set:1:17: error: reps: 0 is out of range")
    assert lines[3].startswith("--tempo:1:1: error: tempo:")
    assert len(lines) == 4


def test_fewer_reps_on_the_command_line_drop_a_later_cue_with_a_warning(tmp_path) -> None:
    script = tmp_path / "squat.yaml"
    script.write_text("workout: Squats\nblocks:\n  - exercise: Squat\n    reps: 8\n"
                      "    cues:\n      reps: {6: Knees out.}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(script), "--set", "Squat.reps=5"])
    assert result.exit_code == 0, result.output
    assert f"{script}:6:17: warning: the cue for rep 6 is dropped: Squat has 5 reps" \
        in result.output
    assert "Knees out." not in result.output.split("warning")[-1].split("\n", 1)[1]
    script.write_text(script.read_text(encoding="utf-8").replace("reps: 8", "reps: 5"),
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(script)])
    assert result.exit_code == 2
    assert "error: cues.reps: rep 6 is beyond the 5 reps of Squat" in result.output


def test_talk_sets_how_much_the_coach_says() -> None:
    tags = {level: {e["tag"] for e in timeline("--talk", level)["events"]}
            for level in ("minimal", "normal", "chatty")}
    assert not tags["minimal"] & {"cue", "time_left", "halfway"}
    assert {"cue", "time_left", "halfway", "tempo"} <= tags["normal"] <= tags["chatty"]
    spoken = {level: sum(e["kind"] == "speech" for e in timeline("--talk", level)["events"])
              for level in ("minimal", "normal", "chatty")}
    assert spoken["minimal"] < spoken["normal"] < spoken["chatty"]
