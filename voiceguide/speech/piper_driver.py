"""A pyttsx3 driver for Piper neural voices, so pyttsx3 stays the one speech interface.

pyttsx3 imports a driver by module name (``pyttsx3.drivers.NAME``) and calls its
``buildDriver(proxy)``; ``register()`` puts this module under ``DRIVER_NAME`` so
``pyttsx3.init(DRIVER_NAME)`` loads it. Properties: ``voices`` (the Piper voices found,
each ``Voice.id`` the model's path), ``voice`` (a model path), ``rate`` (words per
minute, mapped onto Piper's length scale), ``volume``.

Utterances are spoken ``WORKERS`` at a time, one onnxruntime thread each: that used the
two cores of the machine it was measured on better than one utterance on two threads
(hip-thrust's 86 lines: 6.6 s against 8.6 s, 4 % less CPU time). So, as with pyttsx3's
eSpeak driver, ``save_to_file`` returns at once and "finished-utterance" (with the
utterance's name) comes from another thread when its WAV is written; every queued
utterance of a run is spoken, and ``stop`` cancels nothing, since pyttsx3 calls it at the
end of every run. A model is loaded on its first utterance and kept.
"""

from __future__ import annotations

import os
import sys
import threading
import wave
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.errors import SpeechEngineError
from voiceguide.speech.piper_voices import find_voices, read_voice

DRIVER_NAME = "voiceguide_piper"
PIPER_NATURAL_WPM = 190
"""Words per minute a Piper voice speaks at its own length scale (en_US-joe-medium over
hip-thrust's lines, silence trimmed): ``rate`` divides it into the length scale."""
WORKERS = max(1, min(os.cpu_count() or 1, 4))
"""Utterances synthesized at a time; each worker's share of onnxruntime's memory arena
is some 40 MB, so more than four cores are left to other work."""


_LIVE: weakref.WeakSet[PiperDriver] = weakref.WeakSet()


def cancel_queued() -> None:
    """Drop every queued utterance no worker has started (a run abandoned by an error or
    Ctrl-C); pyttsx3's ``stop`` cannot do it, since pyttsx3 calls it at every run's end."""
    for driver in list(_LIVE):
        driver.cancel_queued()


def register() -> None:
    """Make ``pyttsx3.init(DRIVER_NAME)`` find this module."""
    sys.modules.setdefault(f"pyttsx3.drivers.{DRIVER_NAME}", sys.modules[__name__])


def buildDriver(proxy: Any) -> PiperDriver:  # noqa: N802 (pyttsx3's name)
    return PiperDriver(proxy)


def length_scale(voice_scale: float, rate: int) -> float:
    """Piper's phoneme length scale for ``rate`` wpm: larger is slower."""
    return voice_scale * PIPER_NATURAL_WPM / rate


@dataclass(frozen=True)
class _Utterance:
    """A queued ``save_to_file`` with the properties set when it was queued."""

    text: str
    filename: str
    name: str | None
    voice: str
    rate: int
    volume: float


class PiperDriver:
    """pyttsx3's driver interface over piper-tts (see pyttsx3/drivers/dummy.py)."""

    def __init__(self, proxy: Any) -> None:
        self._proxy = proxy
        self._models: dict[str, Any] = {}
        self._loading = threading.Lock()
        self._workers = ThreadPoolExecutor(WORKERS, thread_name_prefix="piper")
        self._queued: set[Future[None]] = set()
        self._voice = ""
        self._rate = PIPER_NATURAL_WPM
        self._volume = 1.0

        _LIVE.add(self)

    def destroy(self) -> None:
        self._workers.shutdown(wait=True, cancel_futures=True)
        self._models.clear()

    def startLoop(self) -> None:  # noqa: N802
        """Queue every command of the run now; the queued ``endLoop`` ends the run."""
        self._proxy.setBusy(False)

    def endLoop(self) -> None:  # noqa: N802
        """The run's utterances go on in the workers; each notifies when it is written."""

    def iterate(self) -> Any:
        self._proxy.setBusy(False)
        yield

    def stop(self) -> None:
        """Nothing is cancelled: pyttsx3 calls this at the end of every run."""

    def say(self, text: str) -> None:
        """No playback here: voiceguide plays clips through its own stream."""
        raise NotImplementedError("the Piper driver only saves to files")

    def save_to_file(self, text: str, filename: str) -> None:
        """Queue ``text`` for a worker; "started-utterance" now, "finished-utterance"
        (``completed=False`` after an "error") when its WAV is written."""
        utterance = _Utterance(text=text, filename=filename, name=self._proxy._name,
                               voice=self._voice, rate=self._rate, volume=self._volume)
        self._proxy.notify("started-utterance")
        future = self._workers.submit(self._speak, utterance)
        self._queued.add(future)
        future.add_done_callback(self._queued.discard)

    def cancel_queued(self) -> None:
        for future in list(self._queued):
            future.cancel()

    def _speak(self, utterance: _Utterance) -> None:
        """One utterance, in a worker."""
        name = utterance.name
        try:
            samples, sample_rate = self._synthesize(utterance)
            with wave.open(utterance.filename, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(sample_rate)
                wav.writeframes(samples.astype("<i2").tobytes())
        except Exception as exc:  # every failure reaches pyttsx3's "error" listeners
            self._proxy.notify("error", exception=exc, name=name)
            self._proxy.notify("finished-utterance", completed=False, name=name)
            return
        self._proxy.notify("finished-utterance", completed=True, name=name)

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

    def _synthesize(self, utterance: _Utterance) -> tuple[np.ndarray, int]:
        """Every sentence of the text back to back (each ends in the voice's own pause)."""
        from piper import SynthesisConfig

        model = self._model(utterance.voice)
        settings = SynthesisConfig(
            length_scale=length_scale(model.config.length_scale, utterance.rate),
            normalize_audio=False, volume=utterance.volume)
        chunks = [chunk.audio_int16_array
                  for chunk in model.synthesize(utterance.text, settings)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        return samples, model.config.sample_rate

    def _model(self, path: str) -> Any:
        """The loaded voice, loading it once; a clear error naming a bad file."""
        with self._loading:
            return self._models.get(path) or self._load_voice(path)

    def _load_voice(self, path: str) -> Any:
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
    """A Piper voice that runs each utterance on one thread (``WORKERS`` run at a time),
    whose threads sleep between runs instead of spinning: on a machine busy with other
    work, spinning took twice the CPU time and 1.5 times as long for hip-thrust's lines
    (``PiperVoice.load`` has no such options)."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    settings = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
    session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=settings)
