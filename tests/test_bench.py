"""Every benchmark in bench/ runs at a tiny size (``--tiny``), so none can rot unnoticed.

The figures at that size mean nothing; the run proves each script still works against the
code it measures and still prints its lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
EXPECTED = {
    "compile_bench.py": "warm cache validate+compile",
    "speech_bench.py": "pyttsx3 batch of",
    "export_bench.py": "MP3 export, cold caches",
    "play_bench.py": "first sound, speech cache warm",
    "music_bench.py": "(a) MP3 export with music / ffmpeg alone",
    "bad_input_bench.py": "dropped cues:",
}
"""Each benchmark and a line its report must contain."""
ELSEWHERE = {"voice_bench.py": "test_voice_bench.py"}
"""Benchmarks run at their tiny size by a test of their own."""


def test_every_benchmark_is_run_in_ci() -> None:
    assert sorted(p.name for p in BENCH.glob("*.py")) == sorted([*EXPECTED, *ELSEWHERE])
    for bench, test in ELSEWHERE.items():
        text = (Path(__file__).parent / test).read_text(encoding="utf-8")
        assert bench in text and "--tiny" in text


@pytest.mark.engine
@pytest.mark.ffmpeg
@pytest.mark.sound
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_benchmark_runs_at_a_tiny_size(name: str) -> None:
    root = BENCH.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, str(BENCH / name), "--tiny"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert EXPECTED[name] in result.stdout, result.stdout
