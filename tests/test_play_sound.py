"""``voiceguide play`` end to end: real speech engine, real PulseAudio (null sink), the
sink's monitor recorded, every beep located in the recording."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.sound import Recorder, SoundServer, cue_onsets
from voiceguide.app import build_timeline
from voiceguide.speech.engine import EngineSpeech

pytestmark = [pytest.mark.sound, pytest.mark.engine]

SESSION = """\
workout: Timing check
blocks:
  - hold: Plank
    sets: 2
    time: 12s
    rest: 10s
    countdown: 3
  - exercise: Squat
    sets: 1
    reps: 6
    tempo: 1-1-1
    rest: 8s
    rest_after: 8s
  - march: March
    sets: 1
    reps: 4
    step: 1.5s
"""
"""About 90 s: countdown, go, tick, end and finish sounds, over and between speech."""

SHORT = """\
workout: Keys check
blocks:
  - hold: Plank
    sets: 2
    time: 8s
    rest: 8s
    countdown: 2
"""


MIN_MATCH = 0.1
"""Lowest normalized correlation that counts as "this beep is here": a lone beep
scores about 0.95, one under speech (a spoken count on its countdown beep) 0.15-0.5."""


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def play_command(script: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "voiceguide", "play", str(script), *args]


def test_every_beep_is_heard_on_time(sound_server: SoundServer, tmp_path: Path) -> None:
    script = write(tmp_path, SESSION, "timing.yaml")
    timeline = build_timeline(str(script), week=None, speech=EngineSpeech())
    assert 80_000 <= timeline.total_ms <= 110_000
    with Recorder(sound_server, tmp_path / "heard.wav") as recorder:
        done = subprocess.run(play_command(script, "--quiet"), env=sound_server.env,
                              capture_output=True, text=True, timeout=200)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    onsets = cue_onsets(recorder.samples(), timeline)
    assert len(onsets) > 30
    assert {o.sound for o in onsets} == {"countdown", "go", "tick", "end", "finish"}
    late = [o for o in onsets if abs(o.error_ms) > 10 or o.match < MIN_MATCH]
    assert not late, late


def test_output_not_a_terminal_prints_one_line_per_section(sound_server: SoundServer,
                                                           tmp_path: Path) -> None:
    script = write(tmp_path, SHORT, "keys.yaml")
    timeline = build_timeline(str(script), week=None, speech=EngineSpeech())
    done = subprocess.run(play_command(script, "--from", "plank"), env=sound_server.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Keys check"
    starts = [s for s in timeline.sections if s.start_ms >= timeline.chapters[0].start_ms]
    assert [line.split(" ", 1)[1] for line in lines[1:]] == [s.label for s in starts]


def test_no_sound_server_fails_fast_and_suggests_export(tmp_path: Path) -> None:
    script = write(tmp_path, SHORT, "keys.yaml")
    env = SoundServer(tmp_path / "no-server").env
    started = time.monotonic()
    done = subprocess.run(play_command(script), env=env, capture_output=True, text=True,
                          timeout=30)
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert "voiceguide export" in done.stderr
    assert "Traceback" not in done.stderr
    assert elapsed < 1.0 + python_start_s()


def python_start_s() -> float:
    """How long this machine takes to start Python and import voiceguide's CLI (s): the
    1 s budget of the fault test is counted after it."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "import voiceguide.cli"], check=True)
    return time.monotonic() - started


LEFT_AT_EXIT = """\
import atexit


def check():
    print("playing" if any(p.is_playing() for p in probe._draining) else "done")


atexit.register(check)  # before the device module's own: it runs after it

from voiceguide.play.device import probe_output

probe = probe_output()  # as play does first: the session never waits for it
"""


def test_no_stream_is_still_draining_when_the_process_exits(sound_server: SoundServer) -> None:
    """simpleaudio's threads are detached (no join), and one still draining the device as
    the process exits crashes it (SIGSEGV): every stream, the probe's too, is done by then."""
    done = subprocess.run([sys.executable, "-c", LEFT_AT_EXIT], env=sound_server.env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "done\n"), done.stderr
