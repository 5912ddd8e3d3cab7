"""``voices`` and ``say``: the engine's voices, and a sentence heard on a real sound server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tests.sound import Recorder, SoundServer
from voiceguide.cli import main
from voiceguide.render.samples import SAMPLE_RATE
from voiceguide.script.model import LANGUAGES, VoiceSettings
from voiceguide.speech.engine import EngineSpeech

pytestmark = pytest.mark.engine


@pytest.mark.parametrize("language", LANGUAGES)
def test_voices_for_a_language_best_first(language: str) -> None:
    result = CliRunner().invoke(main, ["voices", "--language", language])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.split()[0].endswith(f"/{language}")


@pytest.mark.sound
def test_say_is_heard_whole(sound_server: SoundServer, tmp_path: Path) -> None:
    text = "Drive through your heels."
    clip = EngineSpeech().clip(text, VoiceSettings(rate=150))
    with Recorder(sound_server, tmp_path / "heard.wav") as recorder:
        done = subprocess.run([sys.executable, "-m", "voiceguide", "say", text, "--rate", "150"],
                              env=sound_server.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"gmw/en, 150 wpm, {clip.duration_ms / 1000:.2f} s\n"
    heard = np.flatnonzero(np.abs(recorder.samples()) > 0.02)
    assert heard.size, "nothing was heard"
    heard_ms = (heard[-1] - heard[0]) * 1000 / SAMPLE_RATE
    assert abs(heard_ms - clip.duration_ms) < 120, (heard_ms, clip.duration_ms)
