"""bench/voice_bench.py at its tiny size: it runs, and prints every figure it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.ffmpeg]

BENCH = Path(__file__).resolve().parents[1] / "bench" / "voice_bench.py"


def test_tiny_voice_bench_prints_speed_and_word_error_rates() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--tiny"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"Piper: cold export \d+\.\d\d s; target < 10 s: \d+\.\d\d of it; "
                        r"warm \d+\.\d\d s", lines[0]), lines
    assert re.fullmatch(r"eSpeak NG: cold export \d+\.\d\d s; warm \d+\.\d\d s", lines[1])
    assert re.fullmatch(r"Piper / eSpeak NG: cold \d+\.\d\d, warm \d+\.\d\d", lines[2])
    assert re.fullmatch(r"word error rate over \d+ distinct lines \(pocketsphinx\): "
                        r"Piper \(piper:en_US-joe-medium\) \d+\.\d%, "
                        r"eSpeak NG \(espeak:gmw/en\) \d+\.\d%; Piper / eSpeak NG \S+",
                        lines[3]), lines
