"""A pyttsx3 driver for Piper neural voices, so pyttsx3 stays the one speech interface.

pyttsx3 imports a driver by module name (``pyttsx3.drivers.NAME``) and calls its
``buildDriver(proxy)``; ``register()`` puts this module under ``DRIVER_NAME`` so
``pyttsx3.init(DRIVER_NAME)`` loads it. Properties: ``voices`` (the Piper voices found,
each ``Voice.id`` the model's path), ``voice`` (a model path), ``rate`` (words per
minute, mapped onto Piper's length scale), ``volume``.

Synthesis is synchronous: ``save_to_file`` writes the WAV before it returns, then
notifies as the pyttsx3 dummy driver documents. A model is loaded on its first
utterance and kept; onnxruntime runs it on every core, its threads sleeping between
runs (see ``_load``).
"""

from __future__ import annotations

import os
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.errors import SpeechEngineError
from voiceguide.speech.piper_voices import find_voices, read_voice

DRIVER_NAME = "voiceguide_piper"
PIPER_NATURAL_WPM = 190
"""Words per minute a Piper voice speaks at its own length scale (en_US-joe-medium over
hip-thrust's lines, silence trimmed): ``rate`` divides it into the length scale."""


def register() -> None:
    """Make ``pyttsx3.init(DRIVER_NAME)`` find this module."""
    sys.modules.setdefault(f"pyttsx3.drivers.{DRIVER_NAME}", sys.modules[__name__])


def buildDriver(proxy: Any) -> PiperDriver:  # noqa: N802 (pyttsx3's name)
    return PiperDriver(proxy)


def length_scale(voice_scale: float, rate: int) -> float:
    """Piper's phoneme length scale for ``rate`` wpm: larger is slower."""
    return voice_scale * PIPER_NATURAL_WPM / rate


class PiperDriver:
    """pyttsx3's driver interface over piper-tts (see pyttsx3/drivers/dummy.py)."""

    def __init__(self, proxy: Any) -> None:
        self._proxy = proxy
        self._models: dict[str, Any] = {}
        self._voice = ""
        self._rate = PIPER_NATURAL_WPM
        self._volume = 1.0

    def destroy(self) -> None:
        self._models.clear()

    def startLoop(self) -> None:  # noqa: N802
        """Run every queued command now; the queued ``endLoop`` ends the run."""
        self._proxy.setBusy(False)

    def endLoop(self) -> None:  # noqa: N802
        """Nothing runs in the background, so there is nothing to stop."""

    def iterate(self) -> Any:
        self._proxy.setBusy(False)
        yield

    def stop(self) -> None:
        """Utterances finish before the call that started them returns."""

    def say(self, text: str) -> None:
        """No playback here: voiceguide plays clips through its own stream."""
        raise NotImplementedError("the Piper driver only saves to files")

    def save_to_file(self, text: str, filename: str) -> None:
        self._proxy.setBusy(True)
        self._proxy.notify("started-utterance")
        try:
            samples, sample_rate = self._synthesize(text)
            with wave.open(filename, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(sample_rate)
                wav.writeframes(samples.astype("<i2").tobytes())
        finally:
            self._proxy.notify("finished-utterance", completed=True)
            self._proxy.setBusy(False)

    def getProperty(self, name: str) -> object:  # noqa: N802
        if name == "voices":
            from pyttsx3.voice import Voice

            return [Voice(str(v.model), v.id, [v.language]) for v in find_voices().voices]
        values = {"voice": self._voice, "rate": self._rate, "volume": self._volume}
        if name not in values:
            raise KeyError(f"unknown property {name}")
        return values[name]

    def setProperty(self, name: str, value: Any) -> None:  # noqa: N802 (pyttsx3's names)
        if name == "voice":
            self._voice = os.fspath(value)
        elif name == "rate":
            self._rate = int(value)
        elif name == "volume":
            self._volume = float(value)
        else:
            raise KeyError(f"unknown property {name}")

    def _synthesize(self, text: str) -> tuple[np.ndarray, int]:
        """Every sentence of ``text`` back to back (each ends in the voice's own pause)."""
        from piper import SynthesisConfig

        model = self._model(self._voice)
        settings = SynthesisConfig(
            length_scale=length_scale(model.config.length_scale, self._rate),
            normalize_audio=False, volume=self._volume)
        chunks = [chunk.audio_int16_array for chunk in model.synthesize(text, settings)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return samples, model.config.sample_rate

    def _model(self, path: str) -> Any:
        """The loaded voice, loading it once; a clear error naming a bad file."""
        model = self._models.get(path)
        if model is None:
            if not path:
                raise SpeechEngineError("no Piper voice was chosen")
            voice = read_voice(Path(path))
            try:
                model = _load(voice.model, voice.config)
            except Exception as exc:  # onnxruntime raises its own types for bad models
                raise SpeechEngineError(
                    f"Piper voice model {voice.model} does not load ({exc}); "
                    "download it again or remove it") from None
            self._models[path] = model
        return model


def _load(model: Path, config: Path) -> Any:
    """A Piper voice whose onnxruntime threads (one per core) sleep between runs instead
    of spinning: on a machine busy with other work, spinning took twice the CPU time and
    1.5 times as long for hip-thrust's lines (``PiperVoice.load`` has no such option)."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    settings = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
    session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=settings)
