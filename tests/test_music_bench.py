"""bench/music_bench.py at its tiny size: it runs, and prints every figure it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.ffmpeg, pytest.mark.sound]

BENCH = Path(__file__).resolve().parents[1] / "bench" / "music_bench.py"
NUMBER = r"\d+\.\d+"


def test_tiny_music_bench_prints_export_memory_and_first_sound() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--tiny"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(rf"\(a\) MP3 export with music / ffmpeg alone: {NUMBER} "
                        r"\(target <= 1\.5\)", lines[3]), lines
    assert re.fullmatch(r"\(b\) peak RSS, 4-minute MP3 export with a 4-minute playlist: "
                        r"\d+ MB \(target < 200 MB\); ffmpeg's own: encoder \d+ MB, the "
                        r"largest track decoder \d+ MB", lines[4]), lines
    assert re.fullmatch(rf"\(c\) first sound, play --music, caches warm: {NUMBER} s after "
                        rf"launch; the sink's floor {NUMBER} s; less the floor -?{NUMBER} s "
                        rf"\(target <= 0\.5 s: -?{NUMBER} of it\); without music, less the "
                        rf"floor: -?{NUMBER} s", lines[5]), lines
