"""Validate + compile a generated 1,000-block script with a warm speech cache.

Target: under 1 s. The cache is warmed by a first run in this process's temp cache dir
(the cold figure: every line synthesized in one go, as a first ``show`` does); the timed
run uses a fresh engine object (empty memory, warm disk), as a new ``voiceguide show``
would. Both go the application's way (``app.build_timeline``: parse, week, overrides,
the voice check, compile). Prints the figures for the closing note.

    .venv/bin/python bench/compile_bench.py [--blocks 1000] [--tiny]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from voiceguide.app import build_timeline
from voiceguide.speech.engine import EngineSpeech

BLOCK_TEMPLATES = (
    "  - exercise: Squat {i}\n    sets: 1\n    reps: 2\n    tempo: 1-0-1\n    rest: 10s\n"
    "    cues: {{start: Chest up.}}\n",
    "  - hold: Plank {i}\n    sets: 1\n    time: 10s\n    rest: 5s\n",
    "  - march: March {i}\n    sets: 1\n    reps: 2\n    step: 1s\n    rest: 5s\n",
    "  - rest: 10s\n",
    "  - say: Well done, keep going.\n",
)


def generated_script(blocks: int, names: int = 100) -> str:
    """A long, valid script cycling through every block kind, with ``names`` distinct names."""
    body = "".join(BLOCK_TEMPLATES[i % len(BLOCK_TEMPLATES)].format(i=i % names)
                   for i in range(blocks))
    return f"workout: Benchmark\ndefaults: {{countdown: 2}}\nblocks:\n{body}"


def validate_and_compile(path: Path, cache: Path) -> tuple[float, int]:
    start = time.perf_counter()
    timeline = build_timeline(str(path), week=None, speech=EngineSpeech(cache_dir=cache))
    return time.perf_counter() - start, len(timeline.events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--tiny", action="store_true",
                        help="10 blocks: checks the benchmark runs (tests/test_bench.py)")
    args = parser.parse_args()
    if args.tiny:
        args.blocks = 10
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(generated_script(args.blocks), encoding="utf-8")
        cache = Path(tmp) / "cache"
        cold, events = validate_and_compile(path, cache)
        warm, _ = validate_and_compile(path, cache)
    print(f"blocks: {args.blocks}, events: {events}")
    print(f"cold cache (synthesizing every text): {cold:.2f} s")
    print(f"warm cache validate+compile: {warm:.3f} s (target < 1 s: "
          f"{'met' if warm < 1 else 'NOT met'}); warm/cold ratio {warm / cold:.3f}")


if __name__ == "__main__":
    main()
