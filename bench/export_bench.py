"""Export benchmark: speed against ffmpeg alone, memory of a long export, warm cache.

    .venv/bin/python bench/export_bench.py [--minutes 45] [--long-minutes 120] [--tiny]

Generates a session of about ``--minutes`` (45 min is about 600 cues) and prints, from
this one run:

(a) MP3 export wall time (warm speech cache, export cache bypassed with --no-cache, so
    it really renders and encodes) / ffmpeg alone encoding a WAV of the same length
    with the same settings -- target <= 1.2;
(b) peak RSS of an MP3 export of a ``--long-minutes`` session (voiceguide's process)
    with its speech cached, so what is measured is the render -- target < 200 MB;
    beside it the same export cold (every line synthesized first), and a
    ``--short-minutes`` session's cold export, for the speech engine's share (Piper's
    model and onnxruntime, and each worker's memory arena); and the ffmpeg
    encoder's own peak (its VmHWM, read every 10 ms while it runs);
(c) second export of the same script (speech cache and export cache warm) / first
    (both cold), for MP3 and for WAV (which the export cache does not keep) -- target
    <= 0.1; printed beside it, the same ratio with --no-cache (speech cache warm only).
    A warm export is mostly process start-up, so it is run ``--repeat`` times and the
    median taken (the spread is printed).

Every export runs the real CLI in a fresh process; each format has its own cache
folder (XDG_CACHE_HOME: speech, timeline and export caches), empty before its first
export. The package's bytecode is compiled first, as pip does for an installed package.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from voiceguide.export.sinks import CODEC_ARGS
from voiceguide.ffmpeg import find_ffmpeg

EXERCISES = ("Hip thrust", "Glute bridge", "Split squat", "Step-up", "Good morning",
             "Side plank", "Clamshell", "Donkey kick", "Fire hydrant", "Frog pump")
MEASURE_RSS = (
    "import resource, sys\n"
    "from voiceguide.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "print(f'RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)
"""The CLI in-process, printing its own peak RSS (kB) last on stderr. Its children's
ru_maxrss would not do for ffmpeg's: a child forked (or vforked) from voiceguide keeps
the high-water mark of the memory it had before exec, so it reads as voiceguide's own."""
SAMPLE_S = 0.01
"""How often the ffmpeg processes' own peak (VmHWM) is read while an export runs."""


TINY = """\
workout: Benchmark tiny
blocks:
  - hold: Plank
    time: 5s
    cues: {every: {interval: 2s, say: Breathe.}}
"""
"""The session of ``--tiny`` (about 15 s): checks the benchmark runs, measures nothing."""


def session_yaml(minutes: int) -> str:
    """A workout of roughly ``minutes``: exercises (with tempo ticks) and holds, alternating.

    One exercise block (3 sets of 10 reps at 2-1-2, 60 s rests) lasts about 5.5 minutes.
    """
    if minutes == 0:
        return TINY
    lines = ["format: 1", f"workout: Benchmark {minutes} minutes", "blocks:"]
    elapsed_s, i = 0, 0
    while elapsed_s < minutes * 60:
        name = f"{EXERCISES[i % len(EXERCISES)]} {i // len(EXERCISES) + 1}"
        if i % 2 == 0:
            lines += [f"  - exercise: {name}", "    sets: 3", "    reps: 10",
                      "    tempo: 2-1-2", "    rest: 60s",
                      "    cues: {start: Drive through your heels., halfway: Halfway there.}"]
            elapsed_s += 3 * 60 + 2 * 60 + 3 * 15
        else:
            lines += [f"  - hold: {name}", "    sets: 2", "    time: 45s", "    rest: 45s",
                      "    cues: {every: {interval: 15s, say: Keep breathing.}}"]
            elapsed_s += 2 * 45 + 45 + 2 * 15
        i += 1
    return "\n".join(lines) + "\n"


def export(script: Path, out: Path, cache: Path, *options: str) -> tuple[float, str]:
    """Run ``voiceguide export``; wall time in s and its stderr."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "voiceguide", "export", str(script), "-o", str(out),
               *options]
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"export failed:\n{result.stderr}")
    return elapsed, result.stderr


@dataclass(frozen=True)
class PeakMemory:
    """Peak resident memory of one export, in kB: voiceguide's process (its own
    ru_maxrss), and the largest of its ffmpeg children of each role ("encoder",
    "decoder" of a music track, "other": a track's measuring, ``-version``), their own
    VmHWM as last read (the pages each maps resident after exec, shared libraries
    included)."""

    voiceguide_kb: int
    ffmpeg_kb: dict[str, int]


def export_memory(script: Path, out: Path, cache: Path, *options: str,
                  roles: tuple[str, ...] = ("encoder",)) -> PeakMemory:
    """Run ``voiceguide export`` and measure its peak memory (see ``PeakMemory``).

    ffmpeg's VmHWM only grows, so the last reading before a process ends is its peak
    within ``SAMPLE_S``'s growth; one of ``roles`` never seen is an error, not a zero."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-c", MEASURE_RSS, "export", str(script), "-o", str(out),
               *options]
    ffmpeg = find_ffmpeg()
    peaks: dict[str, int] = {}
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log,
                                   text=True)
        while process.poll() is None:
            for pid in children(process.pid):
                role_kb = ffmpeg_peak(pid, ffmpeg)
                if role_kb is not None:
                    role, kb = role_kb
                    peaks[role] = max(peaks.get(role, 0), kb)
            time.sleep(SAMPLE_S)
        log.seek(0)
        stderr = log.read()
    if process.returncode != 0:
        sys.exit(f"export failed:\n{stderr}")
    if missing := [role for role in roles if role not in peaks]:
        sys.exit(f"no ffmpeg {' or '.join(missing)} was seen running: too brief to measure")
    return PeakMemory(int(stderr.strip().splitlines()[-1].split()[1]), peaks)


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (from /proc: this kernel may not list
    a task's children itself)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def ffmpeg_peak(pid: int, ffmpeg: str) -> tuple[str, int] | None:
    """(its role, its own VmHWM in kB) when ``pid`` runs ``ffmpeg`` (None otherwise, or
    when it is still the child before exec, or ended)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    if argv[0].decode() != ffmpeg:
        return None
    role = "encoder" if b"pipe:0" in argv else "decoder" if b"pipe:1" in argv else "other"
    kb = next((int(line.split()[1]) for line in status.splitlines()
               if line.startswith("VmHWM:")), None)
    return None if kb is None else (role, kb)


def ffmpeg_alone(wav: Path, out: Path) -> float:
    """Wall time of ffmpeg encoding ``wav`` to MP3 with the export's settings, in s."""
    start = time.perf_counter()
    subprocess.run([find_ffmpeg(), "-v", "error", "-y", "-i", str(wav), *CODEC_ARGS["mp3"],
                    str(out)], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=45)
    parser.add_argument("--long-minutes", type=int, default=120)
    parser.add_argument("--short-minutes", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tiny", action="store_true",
                        help="a 15 s session, once: checks the benchmark runs "
                             "(tests/test_bench.py)")
    options = parser.parse_args()
    if options.tiny:
        options.minutes = options.long_minutes = options.short_minutes = 0
        options.repeat = 1
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "voiceguide", quiet=1)
    with tempfile.TemporaryDirectory(prefix="vg-bench-") as folder:
        work = Path(folder)
        script = work / "session.yaml"
        script.write_text(session_yaml(options.minutes), encoding="utf-8")
        long_script = work / "long.yaml"
        long_script.write_text(session_yaml(options.long_minutes), encoding="utf-8")
        short_script = work / "short.yaml"
        short_script.write_text(session_yaml(options.short_minutes), encoding="utf-8")
        events = subprocess.run([sys.executable, "-m", "voiceguide", "show", str(script)],
                                env={**os.environ, "XDG_CACHE_HOME": str(work / "show")},
                                capture_output=True, text=True, check=True).stdout
        print(f"session: {events.strip().splitlines()[-1]}")

        times = {}
        spread = {}
        for fmt in ("mp3", "wav"):
            cache = work / f"cache-{fmt}"
            times[fmt, "cold"], _ = export(script, work / f"cold.{fmt}", cache)
            warm = []
            for _ in range(options.repeat):
                seconds, stderr = export(script, work / f"warm.{fmt}", cache)
                if fmt == "mp3" and "from the export cache" not in stderr:
                    sys.exit(f"a warm MP3 export did not come from the export cache:\n{stderr}")
                warm.append(seconds)
            times[fmt, "warm"] = statistics.median(warm)
            spread[fmt] = f"{min(warm):.2f}-{max(warm):.2f}"
            times[fmt, "uncached"], _ = export(script, work / f"uncached.{fmt}", cache,
                                               "--no-cache")
        encode_only = ffmpeg_alone(work / "warm.wav", work / "ffmpeg.mp3")
        cold = export_memory(long_script, work / "long.mp3", work / "cache-long")
        memory = export_memory(long_script, work / "long.mp3", work / "cache-long",
                               "--no-cache")
        short = export_memory(short_script, work / "short.mp3", work / "cache-short")

        for fmt in ("mp3", "wav"):
            print(f"{fmt.upper()} export, cold caches: {times[fmt, 'cold']:.2f} s; "
                  f"warm caches: {times[fmt, 'warm']:.2f} s (median of {options.repeat}: "
                  f"{spread[fmt]} s); "
                  f"warm speech cache, --no-cache: {times[fmt, 'uncached']:.2f} s")
        print(f"ffmpeg alone, MP3: {encode_only:.2f} s")
        print(f"(a) MP3 export (--no-cache) / ffmpeg alone: "
              f"{times['mp3', 'uncached'] / encode_only:.2f} (target <= 1.2)")
        print(f"(b) peak RSS, {options.long_minutes}-minute MP3 export, speech cached: "
              f"{memory.voiceguide_kb / 1024:.0f} MB (target < 200 MB); cold (every line "
              f"synthesized first): {cold.voiceguide_kb / 1024:.0f} MB, and a "
              f"{options.short_minutes}-minute session cold: {short.voiceguide_kb / 1024:.0f} "
              f"MB; the ffmpeg encoder's "
              f"own: {memory.ffmpeg_kb['encoder'] / 1024:.0f} MB")
        ratios = {(fmt, kind): times[fmt, kind] / times[fmt, "cold"]
                  for fmt in ("mp3", "wav") for kind in ("warm", "uncached")}
        print(f"(c) warm / cold export: MP3 {ratios['mp3', 'warm']:.2f}, "
              f"WAV {ratios['wav', 'warm']:.2f} (target <= 0.1; WAV is not kept in the "
              f"export cache); with --no-cache: MP3 {ratios['mp3', 'uncached']:.2f}, "
              f"WAV {ratios['wav', 'uncached']:.2f}")


if __name__ == "__main__":
    main()
