"""Real speech: eSpeak NG through pyttsx3, trimmed and cached on disk.

pyttsx3 is imported on first use, so a machine without it (or without libespeak-ng)
fails with a :class:`SpeechEngineError` that says what to install, only when speech is
actually needed. When the system library is missing, the copy bundled by the
``espeakng-loader`` package is used instead.

eSpeak NG keeps state between utterances, so the same text comes out slightly different
depending on what was spoken before in the process: a few samples of pitch flutter, and
the pause at a comma is one of two lengths (about 290 or 360 ms at 120 wpm). A fresh
process speaking the same sequence is bit-exact. The cache makes every clip stable on a
machine: the first synthesis is the one every later run uses.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import tempfile
import threading
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voiceguide.errors import SpeechEngineError, UnknownVoiceError
from voiceguide.script.model import VoiceSettings
from voiceguide.speech.cache import SpeechCache, cache_key
from voiceguide.speech.protocol import Clip

SILENCE_THRESHOLD = 64
"""Largest |sample| still counted as silence at a clip's ends (about -54 dBFS)."""
PAD_MS = 5
"""Silence kept before the first and after the last audible sample, in ms."""
SAMPLE_RATE = 22050
"""eSpeak NG's output rate in Hz (pyttsx3's driver writes it into every WAV)."""
SYNTH_TIMEOUT_S = 60.0
"""How long one utterance may take before the engine is declared stuck, in seconds."""

INSTALL_HINT = (
    "install eSpeak NG with `apt-get install espeak-ng` (Debian/Ubuntu), "
    "or `pip install espeakng-loader` for a bundled copy"
)


@dataclass(frozen=True)
class VoiceInfo:
    """An installed eSpeak NG voice: ``id`` is what ``voice: name:`` may give (or ``name``)."""

    id: str
    name: str
    languages: tuple[str, ...]


def trim_silence(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Cut leading and trailing silence (keeping ``PAD_MS``), so clip lengths measure speech."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return samples[:0].copy()
    pad = sample_rate * PAD_MS // 1000
    start = max(0, int(loud[0]) - pad)
    stop = min(len(samples), int(loud[-1]) + 1 + pad)
    return samples[start:stop].copy()


def _import_pyttsx3():
    """pyttsx3 with its eSpeak NG library loaded: the system one, else the bundled one."""
    try:
        import pyttsx3
    except ImportError as exc:
        raise SpeechEngineError(
            "speech needs the pyttsx3 package: `pip install pyttsx3`"
        ) from exc
    try:
        importlib.import_module("pyttsx3.drivers._espeak")
    except (ImportError, RuntimeError, OSError):
        _load_bundled_espeak()
    return pyttsx3


def _load_bundled_espeak() -> None:
    """Preload espeakng-loader's libespeak-ng: pyttsx3 then finds it by its soname."""
    try:
        import espeakng_loader
    except ImportError as exc:
        raise SpeechEngineError(f"the eSpeak NG library was not found: {INSTALL_HINT}") from exc
    import ctypes

    try:
        os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
        ctypes.CDLL(espeakng_loader.get_library_path())
        importlib.import_module("pyttsx3.drivers._espeak")
    except (ImportError, RuntimeError, OSError) as exc:
        raise SpeechEngineError(
            f"neither the system nor the bundled eSpeak NG library loads ({exc}): {INSTALL_HINT}"
        ) from exc


class _Engine:
    """The process's one pyttsx3 engine: eSpeak NG can be initialized only once."""

    def __init__(self) -> None:
        pyttsx3 = _import_pyttsx3()
        espeak = importlib.import_module("pyttsx3.drivers._espeak")
        # The driver prints a line for every file it saves; keep stdout for our output.
        importlib.import_module("pyttsx3.drivers.espeak").print = _discard
        try:
            self._tts = pyttsx3.init("espeak")
        except RuntimeError as exc:
            raise SpeechEngineError(f"eSpeak NG did not start ({exc}): {INSTALL_HINT}") from exc
        self.voices = tuple(
            VoiceInfo(id=v.id, name=v.name, languages=tuple(v.languages))
            for v in self._tts.getProperty("voices")
        )
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._failures: list[BaseException] = []
        self._settings: tuple[str, int] | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="voiceguide-speech-")
        self._espeak = espeak
        self._tts.connect("finished-utterance", self._on_finished)
        self._tts.connect("error", lambda exception=None, **_: self._failures.append(exception))
        # A first, empty run leaves the driver idle, so property changes apply at once
        # instead of being queued behind the next utterance. The driver's own set-up
        # queued rate and volume changes in eSpeak; a run that starts while eSpeak is
        # still busy with them marks the driver "stopping", and the driver then cancels
        # the next utterance ("the utterance was cancelled", about 1 run in 60 under
        # load). So eSpeak is synchronized first, as before every utterance.
        espeak.Synchronize()
        self._tts.runAndWait()

    def _on_finished(self, completed: bool = True, **_: object) -> None:
        if not completed:
            self._failures.append(RuntimeError("the utterance was cancelled"))
        self._finished.set()

    def synthesize(self, text: str, *, voice_id: str, rate: int) -> Clip:
        """Raw (untrimmed) samples of ``text`` spoken by ``voice_id`` at ``rate`` wpm.

        pyttsx3's eSpeak driver keeps only the last of several queued ``save_to_file``
        calls and returns from ``runAndWait`` before the file is written, so this speaks
        one text per run and waits for the driver's finished notification. Its run also
        cancels whatever eSpeak has not processed yet (a rate change included), so
        eSpeak is synchronized before each run.
        """
        if not text:
            return Clip(samples=np.zeros(0, np.int16), sample_rate=SAMPLE_RATE)
        path = Path(self._scratch.name) / "utterance.wav"
        with self._lock:
            if self._settings != (voice_id, rate):
                self._tts.setProperty("voice", voice_id)
                self._tts.setProperty("rate", rate)
                self._settings = (voice_id, rate)
            self._espeak.Synchronize()
            self._finished.clear()
            self._failures.clear()
            path.unlink(missing_ok=True)
            try:
                self._tts.save_to_file(text, str(path))
                self._tts.runAndWait()
            except Exception as exc:
                self._settings = None
                raise SpeechEngineError(f"eSpeak NG failed on {text!r}: {exc}") from exc
            if not self._finished.wait(SYNTH_TIMEOUT_S):
                raise SpeechEngineError(
                    f"eSpeak NG did not finish {text!r} within {SYNTH_TIMEOUT_S:g} s"
                )
            if self._failures:
                self._settings = None
                raise SpeechEngineError(f"eSpeak NG failed on {text!r}: {self._failures[0]}")
            with wave.open(str(path), "rb") as wav:
                sample_rate = wav.getframerate()
                frames = wav.readframes(wav.getnframes())
        return Clip(samples=np.frombuffer(frames, "<i2").astype(np.int16), sample_rate=sample_rate)


def _discard(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``print`` inside pyttsx3's eSpeak driver."""


_ENGINE: _Engine | None = None
_ENGINE_LOCK = threading.Lock()


def _engine() -> _Engine:
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = _Engine()
        return _ENGINE


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """Engine and driver versions for people, e.g. ``eSpeak NG 1.51; pyttsx3 2.99``."""
    import importlib.metadata

    return f"{_espeak_version()}; pyttsx3 {importlib.metadata.version('pyttsx3')}"


@functools.lru_cache(maxsize=1)
def engine_identity() -> str:
    """What makes a clip, for cache keys: eSpeak NG's version and a digest of pyttsx3's
    source, e.g. ``eSpeak NG 1.51; pyttsx3 source 3f2a9c0d1e4b``.

    Read from the loaded library without starting the engine, and without
    importlib.metadata (its import cost 20-30 ms), so a session whose clips are all
    cached pays neither before its first sound.
    """
    version = _espeak_version()
    folder = Path(_import_pyttsx3().__file__).parent
    digest = hashlib.sha256()
    for source in sorted(folder.rglob("*.py")):
        digest.update(source.read_bytes())
    return f"{version}; pyttsx3 source {digest.hexdigest()[:12]}"


def _espeak_version() -> str:
    _import_pyttsx3()
    espeak = importlib.import_module("pyttsx3.drivers._espeak")
    return f"eSpeak NG {espeak.Info(None).decode()}"


def _language_rank(voice: VoiceInfo, language: str) -> int | None:
    """How well a voice fits a language: 0 its own voice (``gmw/en``), 1 exact language
    tag, 2 a regional variant (``en-us``); None if it does not speak it."""
    language = language.casefold()
    if voice.id.casefold().rsplit("/", 1)[-1] == language:
        return 0
    tags = [tag.casefold() for tag in voice.languages]
    if language in tags:
        return 1
    if any(tag.startswith(language + "-") for tag in tags):
        return 2
    return None


def list_voices(language: str | None = None) -> list[VoiceInfo]:
    """Installed voices; for a ``language`` (``en``, ``de``...) only its voices, best first."""
    voices = _engine().voices
    if language is None:
        return list(voices)
    ranked = [(_language_rank(v, language), i, v) for i, v in enumerate(voices)]
    return [v for rank, _, v in sorted((r for r in ranked if r[0] is not None),
                                       key=lambda r: (r[0], r[1]))]


def resolve_voice(voice: VoiceSettings) -> VoiceInfo:
    """The voice to speak with: ``voice.name`` (an id or a name, any case) if given, else
    the best voice for ``voice.language``."""
    return _resolve_voice(voice.language, voice.name)


@functools.lru_cache(maxsize=64)
def _resolve_voice(language: str, name: str | None) -> VoiceInfo:
    if name:
        wanted = name.casefold()
        for info in _engine().voices:
            if wanted in (info.id.casefold(), info.name.casefold()):
                return info
        choices = ", ".join(v.id for v in list_voices(language)) or "none"
        raise UnknownVoiceError(f"no eSpeak NG voice named {name!r}",
                                f"voices for {language!r}: {choices}")
    best = list_voices(language)
    if not best:
        raise UnknownVoiceError(f"no eSpeak NG voice for language {language!r}",
                                "see `voiceguide voices` for the installed ones")
    return best[0]


def default_cache_dir() -> Path:
    """Where clips are kept between runs: the user's cache directory."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("voiceguide")) / "speech"


class EngineSpeech:
    """The real :class:`~voiceguide.speech.protocol.SpeechSource`: eSpeak NG clips, cached on disk.

    Lengths are remembered per process, and on disk only the WAV header is read, so a
    warm compile of thousands of cues costs microseconds per lookup.
    """

    def __init__(self, *, cache_dir: Path | None = None) -> None:
        self.cache = SpeechCache(cache_dir if cache_dir is not None else default_cache_dir())
        self.synthesized = 0
        """Clips this instance had to synthesize (cache misses)."""
        self._keys: dict[tuple[str, str, str | None, int], str] = {}
        self._ms: dict[tuple[str, str, str | None, int], int] = {}

    def duration_ms(self, text: str, voice: VoiceSettings) -> int:
        """Length of the trimmed clip in ms, rounded up exactly like ``Clip.duration_ms``."""
        memo = _memo_key(text, voice)
        ms = self._ms.get(memo)
        if ms is None:
            found = self.cache.frames(self._key(text, voice))
            if found is None:
                ms = self.clip(text, voice).duration_ms
            else:
                frames, sample_rate = found
                ms = -(-frames * 1000 // sample_rate)
            self._ms[memo] = ms
        return ms

    def clip(self, text: str, voice: VoiceSettings) -> Clip:
        """Trimmed mono int16 samples of ``text``; synthesized and stored on a cache miss."""
        key = self._key(text, voice)
        clip = self.cache.load(key)
        if clip is None:
            raw = _engine().synthesize(text, voice_id=resolve_voice(voice).id, rate=voice.rate)
            clip = Clip(samples=trim_silence(raw.samples, raw.sample_rate),
                        sample_rate=raw.sample_rate)
            self.cache.store(key, clip)
            self.synthesized += 1
        self._ms[_memo_key(text, voice)] = clip.duration_ms
        return clip

    def prepare(self, texts: Iterable[str], voice: VoiceSettings) -> None:
        """Synthesize every text not yet cached, before compile needs its length.

        One utterance per engine run: pyttsx3's eSpeak driver drops all but the last of
        a batch (measured by ``bench/speech_bench.py``).
        """
        for text in dict.fromkeys(texts):
            self.duration_ms(text, voice)

    def _key(self, text: str, voice: VoiceSettings) -> str:
        memo = _memo_key(text, voice)
        key = self._keys.get(memo)
        if key is None:
            key = cache_key(text=text, voice=voice.name or "", rate=voice.rate,
                            language=voice.language, engine=_trimmed_by())
            self._keys[memo] = key
        return key


def _trimmed_by() -> str:
    """The engine plus the trimming settings: changing either orphans old cache entries."""
    return f"{engine_identity()}; trimmed at {SILENCE_THRESHOLD} with {PAD_MS} ms pad"


def _memo_key(text: str, voice: VoiceSettings) -> tuple[str, str, str | None, int]:
    """What identifies a clip within a process (volume is applied by the renderer)."""
    return (text, voice.language, voice.name, voice.rate)
