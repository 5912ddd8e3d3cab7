"""What a machine without pyttsx3 or libespeak-ng is told (engine loading simulated)."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import pytest

from voiceguide.errors import SpeechEngineError
from voiceguide.script.model import VoiceSettings
from voiceguide.speech import engine as speech
from voiceguide.speech import espeak, tts, voices

ESPEAK = VoiceSettings(name="espeak:")


@pytest.fixture(autouse=True)
def no_engine_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend this process has not loaded an engine (the real ones are restored after)."""
    monkeypatch.setattr(tts, "_ENGINES", {})
    voices._choose.cache_clear()
    espeak.espeak_identity.cache_clear()
    espeak.pyttsx3_source_digest.cache_clear()


def test_missing_pyttsx3_says_pip_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_import = builtins.__import__

    def without_pyttsx3(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyttsx3" or name.startswith("pyttsx3."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pyttsx3)
    with pytest.raises(SpeechEngineError, match=r"`pip install pyttsx3`"):
        speech.EngineSpeech(cache_dir=tmp_path).duration_ms("Go!", ESPEAK)


def test_missing_library_without_bundle_says_apt_get(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3.drivers._espeak", None)
    monkeypatch.setitem(sys.modules, "espeakng_loader", None)
    with pytest.raises(SpeechEngineError) as caught:
        speech.EngineSpeech(cache_dir=tmp_path).clip("Go!", ESPEAK)
    message = str(caught.value)
    assert "eSpeak NG library was not found" in message
    assert "`apt-get install espeak-ng`" in message
    assert "`pip install espeakng-loader`" in message
    assert caught.value.exit_code == 1


def test_engine_error_is_raised_only_when_speech_is_needed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    speech.engine_version.cache_clear()
    speech.EngineSpeech(cache_dir=tmp_path)
    with pytest.raises(SpeechEngineError):
        speech.engine_version()
    monkeypatch.undo()
    speech.engine_version.cache_clear()
