"""Every benchmark in bench/ runs at a tiny size (``--tiny``), so none can rot unnoticed.

The figures at that size mean nothing; the run proves each script still works against the
code it measures and still prints every line it promises: its report, line by line,
matches the patterns beside its name below (a new or changed line is added there).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
N = r"-?\d+(?:\.\d+)?"
"""A printed figure."""
FIRST_SOUND = rf"{N} s after launch; less the floor {N} s \(target <= 0\.5 s: {N} of it\)"
EXPECTED: dict[str, tuple[str, ...]] = {
    "compile_bench.py": (
        r"blocks: \d+, events: \d+",
        rf"cold cache \(synthesizing every text\): {N} s",
        rf"warm cache validate\+compile: {N} s \(target < 1 s: (met|NOT met)\); "
        rf"warm/cold ratio {N}",
    ),
    "speech_bench.py": (
        rf"engine start \(import, init, voice list\): {N} ms",
        rf"cold clip: {N} ms/clip \(\d+ synthesized\)",
        rf"warm clip: {N} ms/clip \(\d+ synthesized\)",
        rf"cold / warm: {N}x",
        rf"warm duration_ms, first lookup of a text \(WAV header\): {N} us",
        rf"warm duration_ms, repeated lookup \(memo\): {N} us",
        rf"\d+ lookups over \d+ texts: {N} ms \(\+ engine start {N} ms\) = {N}% of the 1 s "
        r"compile budget",
        rf"pyttsx3 batch of 20: \d+ file\(s\) written, {N} ms/text; one run per text: "
        rf"{N} ms/text",
    ),
    "export_bench.py": (
        r"session: session [\d:.]+, work [\d:.]+, rest [\d:.]+, \d+ events",
        *(rf"{fmt} export, cold caches: {N} s; warm caches: {N} s \(median of \d+: {N}-{N} "
          rf"s\); warm speech cache, --no-cache: {N} s" for fmt in ("MP3", "WAV")),
        rf"ffmpeg alone, MP3: {N} s",
        rf"\(a\) MP3 export \(--no-cache\) / ffmpeg alone: {N} \(target <= 1\.2\)",
        r"\(b\) peak RSS, \d+-minute MP3 export, speech cached: \d+ MB \(target < 200 MB\); "
        r"cold \(every line synthesized first\): \d+ MB, and a \d+-minute session cold: "
        r"\d+ MB; the ffmpeg encoder's "
        r"own: \d+ MB",
        rf"\(c\) warm / cold export: MP3 {N}, WAV {N} \(target <= 0\.1; WAV is not kept in "
        rf"the export cache\); with --no-cache: MP3 {N}, WAV {N}",
    ),
    "play_bench.py": (
        rf"session: {N} min, \d+ beeps, voice \S+",
        rf"onset error: max {N} ms, mean {N} ms \(target max <= 10 ms: {N} of it\)",
        rf"the sink's floor \(pacat's launch to its click heard, same run\): {N} s",
        rf"first sound, speech cache warm, timeline cache warm: {FIRST_SOUND}",
        rf"first sound, speech cache warm, timeline cache cold: {FIRST_SOUND}",
        rf"first sound, timeline cache warm, with --quiet \(no display, no summary\): {N} s "
        rf"after launch; with the live display {N} s \(display/quiet: {N}\)",
        rf"live display import \(after the first sound, the player loaded\): {N} ms; "
        rf"rich\.live, which it replaces: {N} ms \({N} of it\)",
        *(rf"live display frame at {size}: {N} us \({N} of the 0\.1 s between redraws\)"
          for size in ("100x30", "40x12", "240x70")),
        rf"weakest match: {N}",
    ),
    "music_bench.py": (
        rf"music: \d+ MP3 tracks of {N} min; playlist of \d+ entries \(\d+ min\)",
        rf"MP3 export with --music, \d+ min \(--no-cache\): {N} s; WAV export with --music: "
        rf"{N} s",
        rf"ffmpeg alone, the same mixed audio to MP3: {N} s",
        rf"\(a\) MP3 export with music / ffmpeg alone: {N} \(target <= 1\.5\)",
        r"\(b\) peak RSS, 4-minute MP3 export with a 4-minute playlist: \d+ MB \(target < "
        r"200 MB\); ffmpeg's own: encoder \d+ MB, the largest track decoder \d+ MB",
        rf"\(c\) first sound, play --music, caches warm: {N} s after launch; the sink's floor "
        rf"{N} s; less the floor {N} s \(target <= 0\.5 s: {N} of it\); without music, "
        rf"less the floor: {N} s",
    ),
    "voice_bench.py": (
        rf"Piper: cold export {N} s; target < 10 s: {N} of it; warm {N} s",
        rf"eSpeak NG: cold export {N} s; warm {N} s",
        rf"Piper / eSpeak NG: cold {N}, warm {N}",
        rf"word error rate over \d+ distinct lines \(pocketsphinx\): Piper "
        rf"\(piper:en_US-joe-medium\) {N}%, eSpeak NG \(espeak:gmw/en\) {N}%; "
        r"Piper / eSpeak NG \S+",
    ),
    "plan_bench.py": (
        r"\S+ at \S+( LUFS)?: \d+ distinct lines; median of \d+ runs?",
        rf"\(a\) import pyloudnorm \+ scipy\.signal \(fresh process\): {N} s \(overlaps a "
        r"cold synthesis\)",
        rf"\(b\) cold level planning: {N} s \(target < 1 s for hip-thrust; spread {N}-{N} s\)",
        rf"\(c\) warm level planning: {N} s; cold / warm = {N}",
        rf"\(d\) cold planning CPU / wall: {N} cores",
    ),
    "bad_input_bench.py": tuple(
        rf"{name}: [\d,]+ -> {N} s, [\d,]+ -> {N} s, ratio {N} \(linear: about 2 or less\)"
        for name in ("dropped cues", r"aliased base-60 number")),
}
"""Each benchmark and its report at ``--tiny``: one pattern per line printed, in order."""


def test_every_benchmark_is_run_in_ci() -> None:
    assert sorted(p.name for p in BENCH.glob("*.py")) == sorted(EXPECTED)


def unmatched(lines: list[str], patterns: tuple[str, ...]) -> list[str]:
    """What of a report does not match its patterns, line by line (empty: all does)."""
    wrong = [f"line {n + 1}: {line!r} is not {pattern!r}"
             for n, (line, pattern) in enumerate(zip(lines, patterns, strict=False))
             if not re.fullmatch(pattern, line)]
    if len(lines) != len(patterns):
        wrong.append(f"{len(lines)} lines printed, {len(patterns)} expected")
    return wrong


def test_a_report_must_match_its_patterns_line_by_line() -> None:
    patterns = (r"a: \d+", r"b: \d+")
    assert unmatched(["a: 1", "b: 2"], patterns) == []
    assert unmatched(["a: 1", "b: x"], patterns) == ["line 2: 'b: x' is not 'b: \\\\d+'"]
    assert unmatched(["a: 1"], patterns) == ["1 lines printed, 2 expected"]
    assert unmatched(["a: 1 more", "b: 2", "c"], patterns)[0].startswith("line 1:")


@pytest.mark.engine
@pytest.mark.ffmpeg
@pytest.mark.sound
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_runs_at_a_tiny_size(name: str) -> None:
    root = BENCH.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, str(BENCH / name), "--tiny"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert unmatched(result.stdout.splitlines(), EXPECTED[name]) == [], result.stdout


FAILING_RUNS = """\
import sys

if sys.argv[:1] == ["-m"]:  # python -m voiceguide, as the benchmarks run it
    raise SystemExit("voiceguide failed (as the test makes it)")
"""
"""A ``sitecustomize`` that makes every ``voiceguide`` command a benchmark runs fail."""
RUNS_COMMANDS = ("export_bench.py", "music_bench.py", "play_bench.py", "voice_bench.py")
"""The benchmarks that run ``voiceguide`` commands in a folder of their own."""


@pytest.mark.engine
@pytest.mark.ffmpeg
@pytest.mark.parametrize("name", RUNS_COMMANDS)
def test_a_benchmark_that_fails_leaves_no_temp_folder(name: str, tmp_path: Path) -> None:
    """The others make their folders in-process with ``tempfile.TemporaryDirectory``.
    (A library leaves a small ``.ses`` file in the temp folder: not a benchmark's.)"""
    root = BENCH.parent
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(FAILING_RUNS, encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{root}",
           "TMPDIR": str(temp)}
    result = subprocess.run([sys.executable, str(BENCH / name), "--tiny"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode != 0, result.stdout
    assert "CalledProcessError" in result.stderr or "as the test makes it" in result.stderr
    assert [p.name for p in temp.iterdir() if p.name.startswith("vg-")] == []
