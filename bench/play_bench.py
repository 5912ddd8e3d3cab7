"""Play a generated 10-minute session through a PulseAudio null sink and measure it.

Prints the max and mean onset error of every cue sound (after aligning the first) and
the time from launching ``voiceguide play`` to the first sound heard, with warm speech
and timeline caches (temp ones, warmed in this process). It plays in a pseudo-terminal,
as a person runs it, so the live display and the key reader start too. Targets: max
error <= 10 ms, first sound <= 0.5 s. Needs pulseaudio and parec; starts and stops its own server.

A freshly started server hears its first client up to a second late, whatever the
client (measured: ``pacat`` too), while a user's server has long been running. So a
``pacat`` click plays first; the time from launching it to hearing it, the "floor", is
printed too, and first sound less that floor is the part voiceguide is responsible for.

    .venv/bin/python bench/play_bench.py [--minutes 10]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sound import SoundServer, cue_onsets  # noqa: E402
from voiceguide.audio import SAMPLE_RATE  # noqa: E402
from voiceguide.speech import EngineSpeech  # noqa: E402
from voiceguide.timeline_cache import load_timeline  # noqa: E402

ROUND = """\
  - hold: Plank
    sets: 2
    time: 30s
    rest: 20s
  - exercise: Squat
    sets: 2
    reps: 8
    tempo: 1-1-1
    rest: 20s
  - march: March
    sets: 1
    reps: 10
    step: 1.5s
    rest: 20s
"""
"""About 3.5 minutes of every cue sound."""


class TimedRecorder:
    """parec's raw output read as it arrives, each read stamped with the monotonic time,
    so a recorded sample can be put on the wall clock (to within parec's 10 ms)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            ["parec", "-d", "vsink.monitor", "--latency-msec=10", "--raw", "--format=s16le",
             f"--rate={SAMPLE_RATE}", "--channels=1"], stdout=subprocess.PIPE, env=env)
        self.parts: list[bytes] = []
        self.stamps: list[tuple[float, int]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        total = 0
        while data := self.process.stdout.read1(65536):
            total += len(data) // 2
            self.parts.append(data)
            self.stamps.append((time.monotonic(), total))

    def recorded(self) -> np.ndarray:
        raw = b"".join(self.parts)
        return np.frombuffer(raw[: len(raw) // 2 * 2], np.int16).astype(np.float32) / 32768

    def stop(self) -> np.ndarray:
        self.process.terminate()
        self._thread.join()
        return self.recorded()

    def wall_time(self, sample: int) -> float:
        """When ``sample`` was recorded: the arrival of the read that held it, less the
        samples after it in that read."""
        for arrived, total in self.stamps:
            if total > sample:
                return arrived - (total - sample) / SAMPLE_RATE
        raise ValueError("sample not recorded")


def first_sound(recording: np.ndarray, threshold: float = 0.01, start: int = 0) -> int:
    loud = np.flatnonzero(np.abs(recording[start:]) > threshold)
    if not len(loud):
        raise SystemExit("nothing was heard")
    return start + int(loud[0])


def floor_s(recorder: TimedRecorder, env: dict[str, str]) -> tuple[float, int]:
    """Launch of ``pacat`` playing a click to hearing it (s), and the sample after it."""
    while not recorder.stamps:  # parec delivers once it records: poll that condition
        time.sleep(0.01)
    click = np.zeros(SAMPLE_RATE // 2, np.int16)
    click[: SAMPLE_RATE // 20] = 12000
    before = recorder.stamps[-1][1]
    launched = time.monotonic()
    subprocess.run(["pacat", "--latency-msec=10", "--raw", "--format=s16le",
                    f"--rate={SAMPLE_RATE}", "--channels=1"], input=click.tobytes(),
                   env=env, check=True)
    while recorder.stamps[-1][1] < before + SAMPLE_RATE:  # until a second past the click
        time.sleep(0.01)
    heard = first_sound(recorder.recorded(), start=before)
    return recorder.wall_time(heard) - launched, recorder.stamps[-1][1]


def play_in_terminal(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``voiceguide play`` as a person runs it: in a terminal, so the live display and the
    key reader start up too. The terminal's output is drained and kept for errors."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "voiceguide", "play", str(script)],
                               stdin=follower, stdout=follower, stderr=subprocess.PIPE,
                               env=env, text=True)
    os.close(follower)
    drained = threading.Thread(target=drain, args=(leader,), daemon=True)
    drained.start()
    _, stderr = process.communicate()
    drained.join()
    os.close(leader)
    return subprocess.CompletedProcess(process.args, process.returncode, "", stderr)


def drain(fd: int) -> None:
    """Read a terminal's output until it closes (the display would block on a full pty)."""
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vg-bench-"))
    rounds = max(1, round(args.minutes * 60 / 210))
    script = work / "session.yaml"
    script.write_text("workout: Play benchmark\nblocks:\n" + ROUND * rounds, encoding="utf-8")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    os.environ["XDG_STATE_HOME"] = str(work / "state")
    # An installed package has its bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE (as in CI) would compile every module at each start.
    compileall.compile_dir(ROOT / "voiceguide", quiet=1)
    timeline = load_timeline(str(script), week=None, speech=EngineSpeech())
    server = SoundServer(work / "pulse")
    server.start()
    try:
        recorder = TimedRecorder(server.env)
        floor, boundary = floor_s(recorder, server.env)
        launched = time.monotonic()
        done = play_in_terminal(script, server.env)
        recording = recorder.stop()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"play failed: {done.stderr}")
    heard = recorder.wall_time(first_sound(recording, start=boundary)) - launched
    onsets = cue_onsets(recording[boundary:], timeline)
    errors = np.abs([o.error_ms for o in onsets])
    print(f"session: {timeline.total_ms / 60000:.1f} min, {len(onsets)} cue sounds")
    print(f"onset error: max {errors.max():.2f} ms, mean {errors.mean():.2f} ms "
          f"(target max <= 10 ms: {errors.max() / 10:.2f} of it)")
    own = heard - floor
    print(f"first sound: {heard:.3f} s after launch; the sink's floor (pacat, same run): "
          f"{floor:.3f} s; voiceguide's own share: {own:.3f} s "
          f"(target <= 0.5 s: {own / 0.5:.2f} of it)")
    print(f"weakest match: {min(o.match for o in onsets):.2f}")


if __name__ == "__main__":
    main()
