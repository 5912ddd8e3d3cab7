"""``voiceguide doctor`` on this machine: each check really runs, failures say how to fix."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.sound import SoundServer

pytestmark = [pytest.mark.sound, pytest.mark.engine, pytest.mark.ffmpeg]


def doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceguide", "doctor"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_all_checks_pass_with_a_sound_server(sound_server: SoundServer) -> None:
    done = doctor(sound_server.env)
    assert done.returncode == 0, done.stdout
    names = [line.split(":", 1)[0] for line in done.stdout.splitlines()[:-1]]
    assert names == ["ok    eSpeak NG", "ok    Piper", "ok    voice for 'en'",
                     "ok    voice for 'de'", "ok    voice for 'es'", "ok    voice for 'fr'",
                     "ok    audio output", "ok    ffmpeg", "ok    speech cache"]
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines()[:-1])
    assert lines["ok    Piper"].startswith("Piper 1.")
    assert "en_US-joe-medium" in lines["ok    Piper"]
    assert lines["ok    voice for 'en'"].startswith("piper:en_US-joe-medium (")
    assert lines["ok    voice for 'de'"].startswith("espeak:gmw/de (")
    assert done.stdout.splitlines()[-1] == "all checks passed"


def test_no_sound_server_fails_with_a_fix(tmp_path) -> None:
    done = doctor(SoundServer(tmp_path).env)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    failed = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    assert [lines[i].split(":", 1)[0] for i in failed] == ["FAIL  audio output"]
    assert lines[failed[0] + 1].startswith("      fix: ")
    assert "voiceguide export" in lines[failed[0] + 1]
    assert "voiceguide doctor" not in lines[failed[0]]  # it is what is running
    assert lines[-1] == "1 check(s) failed"


def test_the_pip_shipped_ffmpeg_passes_when_none_is_on_path(tmp_path) -> None:
    """What export uses is what doctor checks: imageio-ffmpeg's binary, without PATH."""
    done = doctor({**SoundServer(tmp_path).env, "PATH": str(tmp_path)})
    (line,) = [line for line in done.stdout.splitlines() if "ffmpeg:" in line]
    assert line.startswith("ok    ffmpeg: ffmpeg version"), done.stdout
