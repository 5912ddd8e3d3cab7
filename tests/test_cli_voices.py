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
from voiceguide.pcm import SAMPLE_RATE
from voiceguide.script.model import LANGUAGES, VoiceSettings
from voiceguide.speech.engine import EngineSpeech, describe

pytestmark = pytest.mark.engine


BEST = {"en": "piper:en_US-joe-medium", "de": "espeak:gmw/de", "es": "espeak:roa/es",
        "fr": "espeak:roa/fr"}
"""The default voice of each language with the [piper] extra installed (tools/setup.sh)."""


@pytest.mark.parametrize("language", LANGUAGES)
def test_voices_for_a_language_best_first(language: str) -> None:
    result = CliRunner().invoke(main, ["voices", "--language", language])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.split()[0] == BEST[language]
    assert describe(VoiceSettings(language=language)) == BEST[language]


def test_voices_lists_both_engines_with_quality_and_language() -> None:
    result = CliRunner().invoke(main, ["voices"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()}
    assert result.output.startswith("piper:en_US-joe-medium ")
    assert rows["piper:en_US-joe-medium"] == ["Piper", "medium", "en-us", "en_US-joe-medium"]
    assert rows["espeak:gmw/de"] == ["eSpeak", "NG", "formant", "de", "German"]
    assert sum(key.startswith("espeak:") for key in rows) > 50


@pytest.mark.sound
def test_say_is_heard_whole(sound_server: SoundServer, tmp_path: Path) -> None:
    text = "Drive through your heels."
    clip = EngineSpeech().clip(text, VoiceSettings(rate=150))  # Piper, the English default
    with Recorder(sound_server, tmp_path / "heard.wav") as recorder:
        done = subprocess.run([sys.executable, "-m", "voiceguide", "say", text, "--rate", "150"],
                              env=sound_server.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"piper:en_US-joe-medium, 150 wpm, {clip.duration_ms / 1000:.2f} s\n"
    heard = np.flatnonzero(np.abs(recorder.samples()) > 0.02)
    assert heard.size, "nothing was heard"
    heard_ms = (heard[-1] - heard[0]) * 1000 / SAMPLE_RATE
    assert abs(heard_ms - clip.duration_ms) < 120, (heard_ms, clip.duration_ms)
