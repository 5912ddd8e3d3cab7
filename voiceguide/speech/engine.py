"""Real speech: Piper or eSpeak NG through pyttsx3, trimmed and cached on disk.

The cache key covers the text, the voice, the rate, the language and what makes the
samples: for eSpeak NG its library version and pyttsx3's source; for Piper the
piper-tts and onnxruntime versions, this project's driver, and digests of the voice's
model and config (remembered by size and modification time, so a warm session only
stats them). A warm session therefore starts no engine and loads no Piper model.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import numpy as np

from voiceguide.errors import SpeechEngineError
from voiceguide.paths import speech_cache_dir
from voiceguide.pcm import Pcm
from voiceguide.script.model import VoiceSettings
from voiceguide.speech import espeak, piper_driver
from voiceguide.speech.cache import SpeechCache, cache_key
from voiceguide.speech.piper_voices import PiperVoiceFile, file_digest, installed_version
from voiceguide.speech.protocol import Clip
from voiceguide.speech.tts import engine
from voiceguide.speech.voices import Choice, choose, espeak_voice

SILENCE_THRESHOLD = 64
"""Largest |sample| still counted as silence at a clip's ends (about -54 dBFS)."""
PAD_MS = 5
"""Silence kept before the first and after the last audible sample, in ms."""
DIGESTS_FILE = "voice-digests.json"
"""Beside the clips: Piper model and config digests by path, size and modification time."""

SynthesisProgress = Callable[[int], AbstractContextManager[Callable[[], None]]]
"""Given how many lines will be synthesized, a context whose value is called after each."""


def trim_silence(samples: Pcm, sample_rate: int) -> Pcm:
    """Cut leading and trailing silence (keeping ``PAD_MS``), so clip lengths measure speech."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return samples[:0].copy()
    pad = sample_rate * PAD_MS // 1000
    start = max(0, int(loud[0]) - pad)
    stop = min(len(samples), int(loud[-1]) + 1 + pad)
    return samples[start:stop].copy()


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """eSpeak NG and pyttsx3 versions for people, e.g. ``eSpeak NG 1.51; pyttsx3 2.99``."""
    import importlib.metadata

    return f"{espeak.espeak_version()}; pyttsx3 {importlib.metadata.version('pyttsx3')}"


def piper_version() -> str:
    """``Piper 1.8.0 (onnxruntime 1.22.0)``; for people and for cache keys."""
    return (f"Piper {installed_version('piper', 'piper-tts')} "
            f"(onnxruntime {installed_version('onnxruntime', 'onnxruntime')})")


@functools.lru_cache(maxsize=1)
def _piper_code() -> str:
    """piper-tts, onnxruntime, pyttsx3 and this project's driver, as they make a clip."""
    driver = hashlib.sha256(Path(piper_driver.__file__).read_bytes()).hexdigest()[:12]
    return (f"{piper_version()}; driver {driver}; "
            f"pyttsx3 source {espeak.pyttsx3_source_digest()}")




def describe(voice: VoiceSettings) -> str:
    """The voice ``voice`` speaks with, as ``voices`` lists it: ``piper:en_US-joe-medium``."""
    choice = choose(voice)
    if choice.piper is not None:
        return f"piper:{choice.piper.id}"
    return f"espeak:{espeak_voice(voice.language, choice.espeak_name).id}"


class EngineSpeech:
    """The real :class:`~voiceguide.speech.protocol.SpeechSource`: clips cached on disk.

    Lengths are remembered per process, and on disk only the WAV header is read, so a
    warm compile of thousands of cues costs microseconds per lookup. ``progress`` shows
    a cold :meth:`prepare` (the CLI passes a bar on a terminal).
    """

    def __init__(self, *, cache_dir: Path | None = None,
                 progress: SynthesisProgress | None = None) -> None:
        self.cache = SpeechCache(cache_dir if cache_dir is not None else speech_cache_dir())
        self.synthesized = 0
        """Clips this instance had to synthesize (cache misses)."""
        self._progress = progress
        self._keys: dict[tuple[str, str, str | None, int], str] = {}
        self._ms: dict[tuple[str, str, str | None, int], int] = {}
        self._digests: dict[PiperVoiceFile, str] = {}

    def duration_ms(self, text: str, voice: VoiceSettings) -> int:
        """Length of the trimmed clip in ms, rounded up exactly like ``Clip.duration_ms``."""
        ms = self.cached_ms(text, voice)
        if ms is None:
            ms = self.clip(text, voice).duration_ms
            self._ms[_memo_key(text, voice)] = ms
        return ms

    def cached_ms(self, text: str, voice: VoiceSettings) -> int | None:
        """The length if the clip is cached (None if it must be synthesized first)."""
        memo = _memo_key(text, voice)
        ms = self._ms.get(memo)
        if ms is None:
            found = self.cache.frames(self._key(text, voice))
            if found is None:
                return None
            frames, sample_rate = found
            ms = self._ms[memo] = -(-frames * 1000 // sample_rate)
        return ms

    def clip(self, text: str, voice: VoiceSettings) -> Clip:
        """Trimmed mono int16 samples of ``text``; synthesized and stored on a cache miss."""
        clip = self.cache.load(self._key(text, voice))
        if clip is None:
            made: list[Clip] = []
            self._synthesize([text], voice,
                             lambda _, raw: made.append(self._keep(text, voice, raw)))
            clip = made[0]
        self._ms[_memo_key(text, voice)] = clip.duration_ms
        return clip

    def prepare(self, texts: Iterable[str], voice: VoiceSettings) -> None:
        """Synthesize every text not yet cached, before compile needs its length.

        All in one go, longest first, so Piper's workers finish together (eSpeak NG
        speaks them one at a time). A progress display, if given, is shown only when
        something is missing; each clip is cached as it comes, so an interrupted run
        keeps what it made.
        """
        missing = sorted((text for text in dict.fromkeys(texts)
                          if self.cache.frames(self._key(text, voice)) is None),
                         key=len, reverse=True)
        show = self._progress(len(missing)) if self._progress and missing else nullcontext()
        with show as advance:
            def keep(index: int, raw: Clip) -> None:
                self._keep(missing[index], voice, raw)
                if advance is not None:
                    advance()

            self._synthesize(missing, voice, keep)

    def _keep(self, text: str, voice: VoiceSettings, raw: Clip) -> Clip:
        """``raw`` trimmed, cached and its length remembered."""
        clip = Clip(samples=trim_silence(raw.samples, raw.sample_rate),
                    sample_rate=raw.sample_rate)
        self.cache.store(self._key(text, voice), clip)
        self.synthesized += 1
        self._ms[_memo_key(text, voice)] = clip.duration_ms
        return clip

    def voice_warning(self, voice: VoiceSettings) -> str | None:
        """A message if the voice named does not speak ``voice.language`` (None if it
        does, or no voice was named); UnknownVoiceError if it does not exist."""
        if not voice.name:
            return None
        choice = choose(voice)
        if choice.piper is not None:
            languages: tuple[str, ...] = (choice.piper.language,)
        else:
            languages = espeak_voice(voice.language, choice.espeak_name).languages
        if any(tag.casefold().split("-")[0] == voice.language for tag in languages):
            return None
        return (f"voice {describe(voice)} speaks {', '.join(languages)}, not the script's "
                f"language {voice.language!r}")

    def _synthesize(self, texts: list[str], voice: VoiceSettings,
                    each: Callable[[int, Clip], None]) -> None:
        """``texts`` spoken by the voice chosen for ``voice`` (``Engine.synthesize_all``)."""
        choice = choose(voice)
        if choice.piper is not None:
            kind, voice_id = "piper", str(choice.piper.model)
        else:
            kind, voice_id = "espeak", espeak_voice(voice.language, choice.espeak_name).id
        engine(kind).synthesize_all(texts, voice_id=voice_id, rate=voice.rate, each=each)

    def _key(self, text: str, voice: VoiceSettings) -> str:
        memo = _memo_key(text, voice)
        key = self._keys.get(memo)
        if key is None:
            name, made_by = self._made_by(choose(voice))
            key = cache_key(text=text, voice=name, rate=voice.rate,
                            language=voice.language, engine=made_by)
            self._keys[memo] = key
        return key

    def _made_by(self, choice: Choice) -> tuple[str, str]:
        """The key's voice and engine fields: what makes this choice's samples."""
        trimmed = f"trimmed at {SILENCE_THRESHOLD} with {PAD_MS} ms pad"
        if choice.piper is None:
            return choice.espeak_name, f"{espeak.espeak_identity()}; {trimmed}"
        files = self._files(choice.piper)
        return f"piper:{choice.piper.id}", f"{_piper_code()}; {files}; {trimmed}"

    def _files(self, voice: PiperVoiceFile) -> str:
        """Digests of the voice's model and config; a SpeechEngineError names a file
        that went missing."""
        found = self._digests.get(voice)
        if found is None:
            memo = self.cache.directory / DIGESTS_FILE
            digests = []
            for path in (voice.model, voice.config):
                try:
                    digests.append(file_digest(path, memo)[:16])
                except OSError as exc:
                    raise SpeechEngineError(
                        f"Piper voice file {path}: {exc.strerror or exc}") from None
            found = self._digests[voice] = f"model {digests[0]}; config {digests[1]}"
        return found


def _memo_key(text: str, voice: VoiceSettings) -> tuple[str, str, str | None, int]:
    """What identifies a clip within a process (volume is applied by the renderer)."""
    return (text, voice.language, voice.name, voice.rate)
