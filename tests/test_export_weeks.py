"""``export --weeks``: one file per week of a program, a playlist, and clear usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest
import srt
from click.testing import CliRunner, Result
from mutagen.mp3 import MP3
from mutagen.wave import WAVE

from voiceguide.app import load_checked
from voiceguide.cli import main
from voiceguide.errors import UsageError
from voiceguide.export.weeks import parse_weeks, plan_weeks

WEEKLY = """\
format: 1
workout: Weekly bridge
blocks:
  - exercise: Bridge
    sets: 3
    reps: 3
    tempo: 1-0-1
    rest: 5s
progression:
  - week: 1
    say: Week one.
    set: {Bridge: {sets: 2, reps: 2}}
  - week: 2
    set: {Bridge: {reps: 3}}
  - week: 3
    set: {Bridge: {sets: 3}}
"""
"""Week 1: 2 sets of 2 reps; week 2: 2 sets of 3; week 3: 3 sets of 3."""
PLAIN = "format: 1\nworkout: Plain\nblocks:\n  - say: Hello.\n"


def run_export(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceguide", "export", *args],
                          capture_output=True, text=True, check=False)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args])


@pytest.fixture
def weekly(tmp_path: Path) -> Path:
    path = tmp_path / "weekly.yaml"
    path.write_text(WEEKLY, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, weeks", [
    ("3", (3,)), ("1-4", (1, 2, 3, 4)), ("1,3,5", (1, 3, 5)), (" 5, 1-2,2 ", (1, 2, 5)),
    ("999", (999,)),
])
def test_parse_weeks(text: str, weeks: tuple[int, ...]) -> None:
    assert parse_weeks(text) == weeks


@pytest.mark.parametrize("text, message", [
    ("0", "weeks run from 1 to 999; '0' is outside"),
    ("998-1000", "weeks run from 1 to 999; '998-1000' is outside"),
    ("4-2", "'4-2' runs backwards"),
    ("two", "'two' is not a list of weeks: use N, N-M or N,M,..."),
    ("1-", "is not a list of weeks"), ("", "is not a list of weeks"),
])
def test_parse_weeks_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_weeks(text)


def test_week_numbers_are_padded_to_the_longest_week(tmp_path: Path, weekly: Path) -> None:
    script = load_checked(weekly)
    plan = plan_weeks(script, (2, 3), tmp_path, "ogg", timeline_json=None)
    assert [f.audio.name for f in plan.files] == ["weekly - week 2.ogg", "weekly - week 3.ogg"]
    long = weekly.with_name("long.yaml")
    long.write_text(WEEKLY + "  - week: 12\n    say: Last week.\n", encoding="utf-8")
    plan = plan_weeks(load_checked(long), (1, 2), tmp_path, "mp3",
                      timeline_json=tmp_path / "t.json")
    assert [(f.audio.name, f.timeline_json, f.track) for f in plan.files] == [
        ("long - week 01.mp3", tmp_path / "t - week 01.json", (1, 2)),
        ("long - week 02.mp3", tmp_path / "t - week 02.json", (2, 2))]
    assert plan.playlist == tmp_path / "long.m3u"
    assert [f.audio.name for f in plan_weeks(script, (9, 10), tmp_path, "mp3",
                                             timeline_json=None).files] == [
        "weekly - week 09.mp3", "weekly - week 10.mp3"]


@pytest.mark.parametrize("args, message", [
    (["--weeks", "1-2", "--week", "2"], "--weeks cannot be combined with --week"),
    (["--weeks", "1-2", "--split"], "--weeks cannot be combined with --split"),
    (["--weeks", "0-2"], "weeks run from 1 to 999; '0-2' is outside"),
    (["--weeks", "1000"], "weeks run from 1 to 999"),
    (["--weeks", "x"], "is not a list of weeks"),
])
def test_weeks_usage_errors(tmp_path: Path, weekly: Path, args: list[str],
                            message: str) -> None:
    result = invoke(str(weekly), "-o", str(tmp_path / "out"), *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_weeks_of_a_script_without_progression(tmp_path: Path) -> None:
    script = tmp_path / "plain.yaml"
    script.write_text(PLAIN, encoding="utf-8")
    result = invoke(str(script), "--weeks", "1-2", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr == (f"error: {script} has no progression, so there are no weeks "
                             "to export: drop --weeks (or add a `progression` to the "
                             "script)\n")
    assert not (tmp_path / "out").exists()


def test_weeks_out_must_be_a_folder(tmp_path: Path, weekly: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = invoke(str(weekly), "--weeks", "1", "-o", str(tmp_path / "file"))
    assert (result.exit_code, result.stderr) == (
        2, f"error: with --weeks, OUT is a folder; {tmp_path / 'file'} is a file\n")
    result = invoke(str(weekly), "--weeks", "1", "-o", str(tmp_path / "program.mp3"))
    assert result.exit_code == 2
    assert "'program.mp3' looks like a file name" in result.stderr
    single = invoke(str(weekly), "-o", str(tmp_path))
    assert single.exit_code == 2
    assert "is a folder: give a file name, or use --weeks" in single.stderr


@pytest.mark.engine
@pytest.mark.ffmpeg
def test_each_week_is_a_file_as_its_progression_says(tmp_path: Path, weekly: Path) -> None:
    folder = tmp_path / "program"
    result = run_export(str(weekly), "--weeks", "1-3", "-o", str(folder), "--format", "wav",
                        "--captions", "srt", "--timeline", str(tmp_path / "plan.json"))
    assert result.returncode == 0, result.stderr
    names = [f"weekly - week {n}" for n in (1, 2, 3)]
    assert result.stdout.splitlines() == [
        *(str(path) for n in (1, 2, 3) for path in (
            folder / f"weekly - week {n}.wav", folder / f"weekly - week {n}.srt",
            tmp_path / f"plan - week {n}.json")),
        str(folder / "weekly.m3u")]
    timelines = [json.loads((tmp_path / f"plan - week {n}.json").read_text(encoding="utf-8"))
                 for n in (1, 2, 3)]

    def sets_and_reps(timeline: dict) -> tuple[int, int]:
        bridge = [e for e in timeline["events"] if e["block"] == 0]
        return (max(e["set"] or 0 for e in bridge), max(e["rep"] or 0 for e in bridge))

    assert [sets_and_reps(t) for t in timelines] == [(2, 2), (2, 3), (3, 3)]
    assert [t["week"] for t in timelines] == [1, 2, 3]
    said = [[e["text"] for e in t["events"] if e["kind"] == "speech"] for t in timelines]
    assert ["Week one." in s for s in said] == [True, False, False]
    assert timelines[0]["total_ms"] < timelines[1]["total_ms"] < timelines[2]["total_ms"]

    for name, timeline in zip(names, timelines, strict=True):
        with wave.open(str(folder / f"{name}.wav")) as wav:
            assert wav.getnframes() == (timeline["total_ms"] * 22050 + 500) // 1000
        tags = WAVE(folder / f"{name}.wav").tags
        week = timeline["week"]
        assert (str(tags["TIT2"]), str(tags["TALB"]), str(tags["TRCK"])) == (
            f"Weekly bridge (week {week})", "Weekly bridge", f"{week}/3")
        captions = list(srt.parse((folder / f"{name}.srt").read_text(encoding="utf-8")))
        assert [c.content for c in captions] == said[week - 1]

    assert (folder / "weekly.m3u").read_text(encoding="utf-8") == "#EXTM3U\n" + "".join(
        f"#EXTINF:{round(t['total_ms'] / 1000)},Weekly bridge (week {t['week']})\n{n}.wav\n"
        for n, t in zip(names, timelines, strict=True))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n}.{ext}" for n in names for ext in ("wav", "srt")] + ["weekly.m3u"])


@pytest.mark.engine
@pytest.mark.ffmpeg
def test_weeks_default_to_mp3_in_a_new_folder(tmp_path: Path, weekly: Path) -> None:
    folder = tmp_path / "new" / "program"
    result = run_export(str(weekly), "--weeks", "3,1", "-o", str(folder))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "weekly - week 1.mp3", "weekly - week 3.mp3", "weekly.m3u"]
    tags = MP3(folder / "weekly - week 3.mp3").tags
    assert (str(tags["TIT2"]), str(tags["TRCK"])) == ("Weekly bridge (week 3)", "2/2")
    playlist = (folder / "weekly.m3u").read_text(encoding="utf-8").splitlines()
    assert playlist[2::2] == ["weekly - week 1.mp3", "weekly - week 3.mp3"]


@pytest.mark.engine
def test_a_warning_every_week_shares_is_shown_once(tmp_path: Path) -> None:
    script = tmp_path / "tight.yaml"
    script.write_text("format: 1\nworkout: Tight\nblocks:\n  - hold: Short hold\n"
                      "    time: 4s\n    cues:\n"
                      "      at: {1s: Squeeze hard and breathe out slowly now.}\n"
                      "progression:\n  - week: 1\n    say: Week one.\n"
                      "  - week: 2\n    say: Week two.\n", encoding="utf-8")
    result = run_export(str(script), "--weeks", "1-2", "-o", str(tmp_path / "out"),
                        "--format", "wav")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and warnings[0].startswith(f"{script}:7:16: warning: ")
