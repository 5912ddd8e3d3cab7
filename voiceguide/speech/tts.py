"""The one speech adapter: a pyttsx3 engine per driver (eSpeak NG, Piper), one utterance
at a time, read back as samples.

pyttsx3 keeps one engine per driver name in a process (and eSpeak NG can be initialized
only once), so each driver's engine is made once and shared, behind a lock.
"""

from __future__ import annotations

import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.errors import SpeechEngineError, VoiceguideError
from voiceguide.speech import espeak, piper_driver
from voiceguide.speech.piper_voices import INSTALL_HINT as PIPER_HINT
from voiceguide.speech.piper_voices import piper_installed
from voiceguide.speech.protocol import Clip

SYNTH_TIMEOUT_S = 60.0
"""How long one utterance may take before the engine is declared stuck, in seconds."""


@dataclass(frozen=True)
class Driver:
    """A pyttsx3 driver and what it needs around a run."""

    name: str
    label: str
    hint: str
    prepare: Callable[[], None]
    """Called once before ``pyttsx3.init``: load libraries, register the module."""
    before_run: Callable[[], None]
    """Called before each run, with the engine idle."""


def _prepare_piper() -> None:
    if not piper_installed():
        raise SpeechEngineError(f"Piper is not installed: {PIPER_HINT}")
    piper_driver.register()


def _nothing() -> None:
    """No preparation needed."""


DRIVERS = {
    "espeak": Driver("espeak", "eSpeak NG", espeak.INSTALL_HINT, espeak.prepare_driver,
                     espeak.synchronize),
    "piper": Driver(piper_driver.DRIVER_NAME, "Piper", PIPER_HINT, _prepare_piper, _nothing),
}


@dataclass(frozen=True)
class EngineVoice:
    """A voice as the pyttsx3 driver lists it."""

    id: str
    name: str
    languages: tuple[str, ...]


class Engine:
    """A started pyttsx3 engine for one driver."""

    def __init__(self, driver: Driver) -> None:
        pyttsx3 = espeak.import_pyttsx3()
        driver.prepare()
        self.driver = driver
        try:
            self._tts = pyttsx3.init(driver.name)
        except (RuntimeError, OSError, ImportError) as exc:
            raise SpeechEngineError(
                f"{driver.label} did not start ({exc}): {driver.hint}") from exc
        self.voices = tuple(
            EngineVoice(id=v.id, name=v.name, languages=tuple(v.languages))
            for v in self._tts.getProperty("voices")
        )
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._failures: list[BaseException] = []
        self._settings: tuple[str, int] | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="voiceguide-speech-")
        self._tts.connect("finished-utterance", self._on_finished)
        self._tts.connect("error", lambda exception=None, **_: self._failures.append(exception))
        # A first, empty run leaves the driver idle, so property changes apply at once
        # instead of being queued behind the next utterance. The eSpeak driver's own
        # set-up queued rate and volume changes in eSpeak; a run that starts while eSpeak
        # is still busy with them marks the driver "stopping", and the driver then
        # cancels the next utterance ("the utterance was cancelled", about 1 run in 60
        # under load). So the driver is synchronized first, as before every utterance.
        driver.before_run()
        self._tts.runAndWait()

    def _on_finished(self, completed: bool = True, **_: object) -> None:
        if not completed:
            self._failures.append(RuntimeError("the utterance was cancelled"))
        self._finished.set()

    def synthesize(self, text: str, *, voice_id: str, rate: int) -> Clip:
        """Raw (untrimmed) samples of ``text`` spoken by ``voice_id`` at ``rate`` wpm.

        pyttsx3's eSpeak driver keeps only the last of several queued ``save_to_file``
        calls and returns from ``runAndWait`` before the file is written, so this speaks
        one text per run and waits for the driver's finished notification.
        """
        label = self.driver.label
        if not text:
            return Clip(samples=np.zeros(0, np.int16), sample_rate=22050)
        path = Path(self._scratch.name) / "utterance.wav"
        with self._lock:
            if self._settings != (voice_id, rate):
                self._tts.setProperty("voice", voice_id)
                self._tts.setProperty("rate", rate)
                self._settings = (voice_id, rate)
            self.driver.before_run()
            self._finished.clear()
            self._failures.clear()
            path.unlink(missing_ok=True)
            try:
                self._tts.save_to_file(text, str(path))
                self._tts.runAndWait()
            except Exception as exc:
                self._settings = None
                raise SpeechEngineError(f"{label} failed on {text!r}: {exc}") from exc
            if not self._finished.wait(SYNTH_TIMEOUT_S):
                raise SpeechEngineError(
                    f"{label} did not finish {text!r} within {SYNTH_TIMEOUT_S:g} s")
            if self._failures:
                self._settings = None
                failure = self._failures[0]
                if isinstance(failure, VoiceguideError):
                    raise failure
                raise SpeechEngineError(f"{label} failed on {text!r}: {failure}")
            with wave.open(str(path), "rb") as wav:
                sample_rate = wav.getframerate()
                frames = wav.readframes(wav.getnframes())
        return Clip(samples=np.frombuffer(frames, "<i2").astype(np.int16), sample_rate=sample_rate)


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine(kind: str) -> Engine:
    """The process's engine for ``kind`` (``espeak`` or ``piper``), started on first use."""
    with _ENGINES_LOCK:
        found = _ENGINES.get(kind)
        if found is None:
            found = _ENGINES[kind] = Engine(DRIVERS[kind])
        return found
