"""Level planning benchmark: a session's gain plan with its levels cold against warm.

    .venv/bin/python bench/plan_bench.py [--script hip-thrust] [--repeat 5] [--tiny]
                                         [--loudness -16]

In a temporary cache (XDG_CACHE_HOME) the script's lines are synthesized first (not
timed: the speech benchmark measures that), then this one run prints:

(a) the import of what measures levels (pyloudnorm and scipy.signal), in a fresh
    process: a cold export starts it on a thread as synthesis begins
    (``levels.preload``), so it is not on the path after synthesis;
(b) cold planning: the renderer's gain plan with no level measured yet (every clip
    measured as synthesized and brought to its planned loudness, twice when the
    second prediction corrects the offset), the median of ``--repeat`` runs, each
    with an empty level cache; target for hip-thrust (86 distinct lines) on a 2-core
    machine: under 1 s;
(c) warm planning: the same with the levels kept on disk, and cold / warm;
(d) the cold plan's CPU time over its wall time: how much of the cores it used.

``--loudness -14`` plans for a louder target, where every line is phase-rotated first
and most searches run to the limiter's end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.export_bench import TINY  # noqa: E402

IMPORT = ("import time; start = time.perf_counter(); import pyloudnorm; "
          "print(time.perf_counter() - start)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", default="hip-thrust")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--loudness", type=float, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plan-bench-") as folder:
        work = Path(folder)
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        script = args.script
        if args.tiny:
            script = str(work / "tiny.yaml")
            Path(script).write_text(TINY, encoding="utf-8")
        run(script, work, 1 if args.tiny else args.repeat, args.loudness)


def run(script: str, work: Path, repeat: int, loudness: float | None = None) -> None:
    from voiceguide.app import load_timeline
    from voiceguide.render.levels import LevelCache
    from voiceguide.render.mixer import Renderer
    from voiceguide.speech.engine import EngineSpeech

    speech = EngineSpeech()
    timeline = load_timeline(script, week=None, speech=speech)  # synthesizes every line
    imported = float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True,
                                    text=True, check=True).stdout)
    Renderer(timeline, speech, levels=LevelCache())  # the import, in this process

    def plan(folder: Path) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        Renderer(timeline, speech, levels=LevelCache(folder), loudness=loudness)
        return time.perf_counter() - wall, time.process_time() - cpu

    cold = [plan(work / f"levels-{i}") for i in range(repeat)]
    warm = [plan(work / "levels-0") for _ in range(repeat)]
    cold_s = statistics.median(wall for wall, _ in cold)
    warm_s = statistics.median(wall for wall, _ in warm)
    cores = statistics.median(cpu / wall for wall, cpu in cold)
    lines = len(timeline.speech_texts())
    target = "default" if loudness is None else f"{loudness:g} LUFS"
    print(f"{Path(script).stem} at {target}: {lines} distinct lines; median of {repeat} "
          f"run{'s' if repeat > 1 else ''}")
    print(f"(a) import pyloudnorm + scipy.signal (fresh process): {imported:.2f} s "
          "(overlaps a cold synthesis)")
    print(f"(b) cold level planning: {cold_s:.3f} s (target < 1 s for hip-thrust; "
          f"spread {min(w for w, _ in cold):.3f}-{max(w for w, _ in cold):.3f} s)")
    print(f"(c) warm level planning: {warm_s:.3f} s; cold / warm = {cold_s / warm_s:.1f}")
    print(f"(d) cold planning CPU / wall: {cores:.2f} cores")


if __name__ == "__main__":
    main()
