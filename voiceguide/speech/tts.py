"""The one speech adapter: a pyttsx3 engine per driver (eSpeak NG, Piper), its utterances
read back as samples.

pyttsx3 keeps one engine per driver name in a process (and eSpeak NG can be initialized
only once), so each driver's engine is made once and shared, behind a lock.
"""

from __future__ import annotations

import itertools
import queue
import tempfile
import threading
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.errors import SpeechEngineError, VoiceguideError
from voiceguide.speech import espeak, piper_driver
from voiceguide.speech.piper_voices import INSTALL_HINT as PIPER_HINT
from voiceguide.speech.piper_voices import piper_installed
from voiceguide.speech.protocol import Clip

SYNTH_TIMEOUT_S = 60.0
"""How long a run may go without an utterance finishing before the engine is declared
stuck, in seconds."""


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
    queues: bool
    """Whether a run speaks every ``save_to_file`` queued in it (Piper's driver does,
    several at a time); pyttsx3's eSpeak driver keeps only the last, so it gets one a run."""
    abandon: Callable[[], None]
    """Called when a run is given up (an error, Ctrl-C): drop what it still has queued."""


def _prepare_piper() -> None:
    if not piper_installed():
        raise SpeechEngineError(f"Piper is not installed: {PIPER_HINT}")
    piper_driver.register()


def _nothing() -> None:
    """No preparation needed."""


DRIVERS = {
    "espeak": Driver("espeak", "eSpeak NG", espeak.INSTALL_HINT, espeak.prepare_driver,
                     espeak.synchronize, queues=False, abandon=_nothing),
    "piper": Driver(piper_driver.DRIVER_NAME, "Piper", PIPER_HINT, _prepare_piper, _nothing,
                    queues=True, abandon=piper_driver.cancel_queued),
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
        self._finished: queue.SimpleQueue[tuple[str | None, bool]] = queue.SimpleQueue()
        self._failures: dict[str | None, BaseException] = {}
        self._runs = itertools.count()
        self._settings: tuple[str, int] | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="voiceguide-speech-")
        self._tts.connect("finished-utterance", self._on_finished)
        self._tts.connect("error", self._on_error)
        # A first, empty run leaves the driver idle, so property changes apply at once
        # instead of being queued behind the next utterance. The eSpeak driver's own
        # set-up queued rate and volume changes in eSpeak; a run that starts while eSpeak
        # is still busy with them marks the driver "stopping", and the driver then
        # cancels the next utterance ("the utterance was cancelled", about 1 run in 60
        # under load). So the driver is synchronized first, as before every utterance.
        driver.before_run()
        self._tts.runAndWait()

    def _on_finished(self, name: str | None = None, completed: bool = True,
                     **_: object) -> None:
        self._finished.put((name, completed))

    def _on_error(self, name: str | None = None, exception: BaseException | None = None,
                  **_: object) -> None:
        self._failures[name] = exception or RuntimeError("unknown error")

    def synthesize(self, text: str, *, voice_id: str, rate: int) -> Clip:
        """Raw (untrimmed) samples of ``text`` spoken by ``voice_id`` at ``rate`` wpm."""
        clips: list[Clip] = []
        self.synthesize_all([text], voice_id=voice_id, rate=rate,
                            each=lambda _, clip: clips.append(clip))
        return clips[0]

    def synthesize_all(self, texts: Sequence[str], *, voice_id: str, rate: int,
                       each: Callable[[int, Clip], None]) -> None:
        """Every text spoken by ``voice_id`` at ``rate`` wpm: ``each`` gets a text's index
        and raw samples as soon as it is done, in the order they finish.

        Either driver's ``runAndWait`` may return before its files are written (eSpeak
        NG's always does), so each file is read on its finished notification. Runs are
        numbered into the utterance names, so a late notification of a failed run is
        never taken for one of the next. pyttsx3's eSpeak driver notifies without the
        name (the proxy has moved on to the run's end by then): an unnamed notification
        is that of the run's one utterance.
        """
        empty = Clip(samples=np.zeros(0, np.int16), sample_rate=22050)
        spoken = []
        for i, text in enumerate(texts):
            if text:
                spoken.append(i)
            else:
                each(i, empty)
        runs = [spoken] if self.driver.queues else [[i] for i in spoken]
        with self._lock:
            if self._settings != (voice_id, rate):
                self._tts.setProperty("voice", voice_id)
                self._tts.setProperty("rate", rate)
                self._settings = (voice_id, rate)
            for run in runs:
                number = next(self._runs)
                if run:
                    self._run({f"{number}:{i}": i for i in run}, texts, each)

    def _run(self, names: dict[str, int], texts: Sequence[str],
             each: Callable[[int, Clip], None]) -> None:
        """One engine run of the texts ``names`` maps to, each named by its key."""
        label = self.driver.label
        paths = {key: Path(self._scratch.name) / f"utterance-{key.replace(':', '-')}.wav"
                 for key in names}
        self.driver.before_run()
        try:
            try:
                for key, index in names.items():
                    self._tts.save_to_file(texts[index], str(paths[key]), key)
                self._tts.runAndWait()
            except Exception as exc:
                self._settings = None
                first = texts[next(iter(names.values()))]
                raise SpeechEngineError(f"{label} failed on {first!r}: {exc}") from exc
            self._collect(names, paths, texts, each)
        except BaseException:
            self.driver.abandon()
            raise

    def _collect(self, names: dict[str, int], paths: dict[str, Path], texts: Sequence[str],
                 each: Callable[[int, Clip], None]) -> None:
        """Each of the run's clips as its finished notification comes."""
        label = self.driver.label
        waiting = dict(names)
        while waiting:
            try:
                said, completed = self._finished.get(timeout=SYNTH_TIMEOUT_S)
            except queue.Empty:
                text = texts[next(iter(waiting.values()))]
                raise SpeechEngineError(
                    f"{label} did not finish {text!r} within {SYNTH_TIMEOUT_S:g} s") from None
            failure = self._failures.pop(said, None)
            name = next(iter(waiting)) if said is None and len(waiting) == 1 else said
            if name is None or name not in waiting:
                continue  # a late word from an earlier run that failed
            index = waiting.pop(name)
            if failure is None and not completed:
                failure = RuntimeError("the utterance was cancelled")
            if failure is not None:
                self._settings = None
                if isinstance(failure, VoiceguideError):
                    raise failure
                raise SpeechEngineError(f"{label} failed on {texts[index]!r}: {failure}")
            with wave.open(str(paths[name]), "rb") as wav:
                sample_rate = wav.getframerate()
                frames = wav.readframes(wav.getnframes())
            paths[name].unlink()
            each(index, Clip(samples=np.frombuffer(frames, "<i2").astype(np.int16),
                             sample_rate=sample_rate))


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine(kind: str) -> Engine:
    """The process's engine for ``kind`` (``espeak`` or ``piper``), started on first use."""
    with _ENGINES_LOCK:
        found = _ENGINES.get(kind)
        if found is None:
            found = _ENGINES[kind] = Engine(DRIVERS[kind])
        return found
