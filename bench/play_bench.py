"""Play a generated 10-minute session through a PulseAudio null sink and measure it.

Prints the max and mean onset error of every beep (after aligning the first) and the
time from launching ``voiceguide play`` to the first sound heard, with a warm speech
cache (a temp one, warmed by an export, which also measures the clips' levels): once
with the timeline cache cold (the first play after an edit; quit with ``q`` once heard),
warm with ``--quiet`` (no display), then warm for the whole session with the live
display: the display is built after the stream starts, so those two should match. It
plays in a 100x30 pseudo-terminal, as a person runs it, so the live display and the key
reader start too. It also prints what the display costs: its import, and one frame at a
few terminal sizes. Targets: max error <= 10 ms, first sound <= 0.5 s. Needs pulseaudio
and parec; starts and stops its own server.

A freshly started server hears its first client up to a second late, whatever the
client (measured: ``pacat`` too), while a user's server has long been running. So a
``pacat`` click plays first; the time from launching it to hearing it, the "floor", is
printed too, and first sound less that floor is the part voiceguide is responsible for.

    .venv/bin/python bench/play_bench.py [--minutes 10] [--tiny]
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.sound import SoundServer, cue_onsets  # noqa: E402
from voiceguide.app import build_timeline  # noqa: E402
from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE  # noqa: E402
from voiceguide.play.layout import frame  # noqa: E402
from voiceguide.play.screen import Screen  # noqa: E402
from voiceguide.play.view import SessionView  # noqa: E402
from voiceguide.speech.engine import EngineSpeech, describe  # noqa: E402
from voiceguide.timeline.events import Timeline  # noqa: E402

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
"""About 3.5 minutes of every beep."""
TINY = """\
  - hold: Plank
    time: 5s
"""
"""The session of ``--tiny`` (about 15 s): checks the benchmark runs, measures little."""


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

    def samples(self) -> int:
        """How many samples have been recorded so far."""
        return self.stamps[-1][1] if self.stamps else 0

    def check(self) -> None:
        """SystemExit if parec has stopped (its server gone): the recording cannot grow,
        and a wait for it would never end."""
        if self.process.poll() is not None:
            raise SystemExit(f"parec stopped recording (exit status {self.process.returncode})")

    def wait_until(self, samples: int) -> None:
        """Until ``samples`` have been recorded (parec delivers every 10 ms: this polls)."""
        while self.samples() < samples:
            self.check()
            time.sleep(0.01)

    def recorded(self) -> np.ndarray:
        raw = b"".join(self.parts)
        return np.frombuffer(raw[: len(raw) // 2 * 2], np.int16).astype(np.float32) / FULL_SCALE

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


def first_loud(recording: np.ndarray, start: int = 0, threshold: float = 0.01) -> int | None:
    """Index of the first sample from ``start`` on above ``threshold``, None if none is."""
    loud = np.flatnonzero(np.abs(recording[start:]) > threshold)
    return start + int(loud[0]) if len(loud) else None


def first_sound(recording: np.ndarray, start: int = 0) -> int:
    found = first_loud(recording, start)
    if found is None:
        raise SystemExit("nothing was heard")
    return found


def floor_s(recorder: TimedRecorder, env: dict[str, str]) -> tuple[float, int]:
    """Launch of ``pacat`` playing a click to hearing it (s), and the sample after it."""
    recorder.wait_until(1)  # parec delivers once it records
    click = np.zeros(SAMPLE_RATE // 2, np.int16)
    click[: SAMPLE_RATE // 20] = 12000
    before = recorder.samples()
    launched = time.monotonic()
    subprocess.run(["pacat", "--latency-msec=10", "--raw", "--format=s16le",
                    f"--rate={SAMPLE_RATE}", "--channels=1"], input=click.tobytes(),
                   env=env, check=True)
    recorder.wait_until(before + SAMPLE_RATE)  # a second past the click
    heard = first_sound(recorder.recorded(), start=before)
    return recorder.wall_time(heard) - launched, recorder.samples()


class Terminal:
    """``voiceguide play`` as a person runs it: in a pseudo-terminal, so the live display
    and the key reader start up too, and keys can be typed. Its output is drained."""

    def __init__(self, script: Path, env: dict[str, str], *args: str) -> None:
        self.leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "play", str(script), *args],
            stdin=follower, stdout=follower, stderr=subprocess.PIPE, env=env, text=True)
        os.close(follower)
        self._drained = threading.Thread(target=drain, args=(self.leader,), daemon=True)
        self._drained.start()

    def type(self, keys: bytes) -> None:
        os.write(self.leader, keys)

    def wait(self) -> None:
        """Until play exits; a failure ends the benchmark with play's message."""
        _, stderr = self.process.communicate()
        self._drained.join()
        os.close(self.leader)
        if self.process.returncode != 0:
            raise SystemExit(f"play failed: {stderr}")


def start_then_quit(recorder: TimedRecorder, script: Path, env: dict[str, str],
                    boundary: int, *args: str) -> tuple[float, int]:
    """Launch of ``play`` to its first sound (s), quitting with ``q`` once heard, and the
    sample after it (half a second of the silence that follows)."""
    launched = time.monotonic()
    terminal = Terminal(script, env, *args)
    while (heard := first_loud(recorder.recorded(), boundary)) is None:
        if terminal.process.poll() is not None:
            terminal.wait()
            raise SystemExit("play ended before a sound was heard")
        recorder.check()
        time.sleep(0.01)  # parec delivers every 10 ms: poll the recording
    terminal.type(b"q")
    terminal.wait()
    recorder.wait_until(recorder.samples() + SAMPLE_RATE // 2)
    return recorder.wall_time(heard) - launched, recorder.samples()


def import_s(module: str, after: str) -> float:
    """Seconds a fresh interpreter takes to import ``module`` once ``after`` is (best of 3)."""
    code = (f"import {after}, time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t)")
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True, cwd=ROOT).stdout)
               for _ in range(3))


def frame_s(timeline: Timeline, columns: int, lines: int) -> float:
    """Mean seconds to lay out and draw one frame of the live panel (a status a second)."""
    view = SessionView(timeline)
    screen = Screen(io.StringIO(), colour=True)
    times = range(0, timeline.total_ms, 1000)
    started = time.perf_counter()
    for at in times:
        screen.draw(frame(view.status(at), columns, lines), (columns, lines))
    return (time.perf_counter() - started) / len(times)


def drain(fd: int) -> None:
    """Read a terminal's output until it closes (the display would block on a full pty)."""
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--tiny", action="store_true",
                        help="a 15 s session: checks the benchmark runs (tests/test_bench.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vg-bench-") as folder:  # gone on failure too
        work = Path(folder)
        blocks = TINY if args.tiny else ROUND * max(1, round(args.minutes * 60 / 210))
        script = work / "session.yaml"
        script.write_text("workout: Play benchmark\nblocks:\n" + blocks, encoding="utf-8")
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        os.environ["XDG_STATE_HOME"] = str(work / "state")
        os.environ["XDG_DATA_HOME"] = str(work / "data")
        # An installed package has its bytecode (pip compiles it); a checkout run with
        # PYTHONDONTWRITEBYTECODE (as in CI) would compile every module at each start.
        compileall.compile_dir(ROOT / "voiceguide", quiet=1)
        timeline = build_timeline(str(script), week=None, speech=EngineSpeech())
        # What an earlier session leaves: speech, its measured levels, a compiled timeline;
        # then an edit (a comment), so the first play below compiles again.
        subprocess.run([sys.executable, "-m", "voiceguide", "export", str(script), "-o",
                        str(work / "warm.wav")], check=True, capture_output=True)
        with script.open("a", encoding="utf-8") as edited:
            edited.write("# edited\n")
        server = SoundServer(work / "pulse")
        server.start()
        try:
            recorder = TimedRecorder(server.env)
            floor, boundary = floor_s(recorder, server.env)
            cold, boundary = start_then_quit(recorder, script, server.env, boundary)
            quiet, boundary = start_then_quit(recorder, script, server.env, boundary, "--quiet")
            launched = time.monotonic()
            Terminal(script, server.env).wait()
            recording = recorder.stop()
        finally:
            server.stop()
    heard = recorder.wall_time(first_sound(recording, start=boundary)) - launched
    onsets = cue_onsets(recording[boundary:], timeline)
    errors = np.abs([o.error_ms for o in onsets])
    print(f"session: {timeline.total_ms / 60000:.1f} min, {len(onsets)} beeps, "
          f"voice {describe(timeline.voice)}")
    print(f"onset error: max {errors.max():.2f} ms, mean {errors.mean():.2f} ms "
          f"(target max <= 10 ms: {errors.max() / 10:.2f} of it)")
    print(f"the sink's floor (pacat's launch to its click heard, same run): {floor:.3f} s")
    for name, seconds in (("timeline cache warm", heard), ("timeline cache cold", cold)):
        own = seconds - floor
        print(f"first sound, speech cache warm, {name}: {seconds:.3f} s after launch; "
              f"less the floor {own:.3f} s (target <= 0.5 s: {own / 0.5:.2f} of it)")
    print(f"first sound, timeline cache warm, with --quiet (no display, no summary): "
          f"{quiet:.3f} s after launch; with the live display {heard:.3f} s "
          f"(display/quiet: {heard / quiet:.2f})")
    player = "voiceguide.play.player"
    panel, rich_live = import_s("voiceguide.play.display", player), import_s("rich.live", player)
    print(f"live display import (after the first sound, the player loaded): "
          f"{panel * 1000:.1f} ms; rich.live, which it replaces: {rich_live * 1000:.1f} ms "
          f"({panel / rich_live:.2f} of it)")
    for columns, lines in ((100, 30), (40, 12), (240, 70)):
        cost = frame_s(timeline, columns, lines)
        print(f"live display frame at {columns}x{lines}: {cost * 1e6:.0f} us "
              f"({cost / 0.1:.4f} of the 0.1 s between redraws)")
    print(f"weakest match: {min(o.match for o in onsets):.2f}")


if __name__ == "__main__":
    main()
