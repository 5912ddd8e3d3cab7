"""Work that bad input can ask for grows linearly: each case is run at a size N and at
2N in this run, and the time ratio printed (about 2 when linear, about 4 when quadratic).

- dropped cues: an hour-long hold asking for a cue every few hundred ms at set times,
  nearly all left out for want of room (the gap search once walked every later span
  for every cue: 24,000 tries took 25 s);
- aliases: one long base-60 number aliased many times (PyYAML rebuilt it at each use:
  2,000 uses took 25 s); now refused at once, each use resolved once.

Each time is the best of three runs.

    .venv/bin/python bench/bad_input_bench.py [--tiny]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import FakeSpeech  # noqa: E402
from voiceguide.compile.compiler import compile_script  # noqa: E402
from voiceguide.errors import ScriptError  # noqa: E402
from voiceguide.script.parse import parse_script  # noqa: E402


def dropped_cues(count: int) -> None:
    step = 3_600_000 // (count + 1)
    cues = "".join(f"        {t / 1000:g}s: Breathe.\n" for t in range(step, step * count, step))
    script, problems = parse_script("workout: T\nblocks:\n  - hold: Plank\n    time: 1h\n"
                                    f"    cues:\n      at:\n{cues}", "bench.yaml")
    assert script is not None, problems[:3]
    with suppress(ScriptError):  # past the event limit: the work until then is timed
        compile_script(script, speech=FakeSpeech(ms_per_char=200))


def aliased_number(uses: int) -> None:
    text = ("x: &b 1" + ":0" * 8000 + "\ny: [" + ", ".join(["*b"] * uses) + "]\n"
            "workout: T\nblocks: [{say: hi}]\n")
    _, problems = parse_script(text, "bench.yaml")
    assert problems


def timed(case: Callable[[int], None], size: int) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        case(size)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true",
                        help="sizes 100 and 20: checks the benchmark runs (tests/test_bench.py)")
    scale = 100 if parser.parse_args().tiny else 1
    for name, case, size in (("dropped cues", dropped_cues, 10_000 // scale),
                             ("aliased base-60 number", aliased_number, 2_000 // scale)):
        small, large = timed(case, size), timed(case, 2 * size)
        print(f"{name}: {size:,} -> {small:.3f} s, {2 * size:,} -> {large:.3f} s, "
              f"ratio {large / small:.2f} (linear: about 2 or less)")


if __name__ == "__main__":
    main()
