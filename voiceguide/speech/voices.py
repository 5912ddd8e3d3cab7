"""Every voice of both engines, and the one a script's settings pick.

Names: ``piper:ID`` (a Piper voice found, or ``piper:PATH.onnx``), ``espeak:ID`` (an
eSpeak NG voice id or name), a path to a ``.onnx`` model, or a bare id or name (Piper's
voices are tried first). No name: the best voice for the language, Piper before eSpeak
NG, higher quality first.

Picking a voice (:func:`choose`) never starts an engine: Piper's voices are files, and an
eSpeak NG name is checked only when eSpeak NG speaks (:func:`espeak_voice`), so a warm
session starts neither.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from voiceguide.errors import SpeechEngineError, UnknownVoiceError
from voiceguide.script.model import VoiceSettings
from voiceguide.speech import espeak
from voiceguide.speech.piper_voices import PiperVoiceFile, find_voices, read_voice
from voiceguide.speech.tts import EngineVoice, engine

ESPEAK_QUALITY = "formant"
"""What ``voices`` shows as an eSpeak NG voice's quality (it is a formant synthesizer)."""


@dataclass(frozen=True)
class Voice:
    """A voice to list: ``engine`` is ``piper`` or ``espeak``; ``key`` selects it."""

    engine: str
    id: str
    name: str
    languages: tuple[str, ...]
    quality: str

    @property
    def key(self) -> str:
        return f"{self.engine}:{self.id}"


@dataclass(frozen=True)
class Choice:
    """What settings pick: a Piper voice file, or an eSpeak NG name as asked ("" for
    the best voice of the language), resolved only when eSpeak NG speaks."""

    piper: PiperVoiceFile | None = None
    espeak_name: str = ""

    @property
    def engine(self) -> str:
        return "espeak" if self.piper is None else "piper"


def _piper_voice(voice: PiperVoiceFile) -> Voice:
    return Voice("piper", voice.id, voice.id, (voice.language,), voice.quality)


def _espeak_voice(voice: EngineVoice) -> Voice:
    return Voice("espeak", voice.id, voice.name, voice.languages, ESPEAK_QUALITY)


def espeak_voices(language: str | None = None) -> list[EngineVoice]:
    """eSpeak NG's voices (starts it); for a ``language`` only its voices, best first."""
    voices = engine("espeak").voices
    if language is None:
        return list(voices)
    ranked = [(espeak.language_rank(v.id, v.languages, language), i, v)
              for i, v in enumerate(voices)]
    return [v for rank, _, v in sorted((r for r in ranked if r[0] is not None),
                                       key=lambda r: (r[0], r[1]))]


def list_voices(language: str | None = None) -> list[Voice]:
    """Every installed voice, Piper's first; for a ``language`` only those that speak
    it, best first (the first is the default)."""
    piper = [v for v in find_voices().voices if language is None or v.family == language]
    return [*map(_piper_voice, piper), *map(_espeak_voice, espeak_voices(language))]


def choose(voice: VoiceSettings) -> Choice:
    """The voice ``voice.name`` names, else the best for ``voice.language``.

    UnknownVoiceError for a ``piper:`` name that is not installed; SpeechEngineError
    (naming the file) for a model path that is missing or has no readable config.
    """
    return _choose(voice.language, voice.name or "")


@functools.lru_cache(maxsize=64)
def _choose(language: str, name: str) -> Choice:
    engine_name, colon, rest = name.partition(":")
    if colon and engine_name == "espeak":
        return Choice(espeak_name=rest)
    wanted = rest if colon and engine_name == "piper" else name
    if wanted.endswith(".onnx"):
        return Choice(piper=read_voice(Path(wanted).expanduser().absolute()))
    voices = find_voices().voices
    if not wanted:
        best = [v for v in voices if v.family == language]
        return Choice(piper=best[0]) if best else Choice()
    for voice in voices:
        if voice.id.casefold() == wanted.casefold():
            return Choice(piper=voice)
    if colon and engine_name == "piper":
        raise unknown_voice(name, language)
    return Choice(espeak_name=name)


def espeak_voice(language: str, name: str) -> EngineVoice:
    """The eSpeak NG voice named (an id or a name, any case), else the best for the
    language; starts eSpeak NG."""
    if name:
        wanted = name.casefold()
        for info in engine("espeak").voices:
            if wanted in (info.id.casefold(), info.name.casefold()):
                return info
        raise unknown_voice(name, language)
    best = espeak_voices(language)
    if not best:
        raise UnknownVoiceError(f"no eSpeak NG voice for language {language!r}",
                                "`voiceguide voices` lists the installed ones")
    return best[0]


def unknown_voice(name: str, language: str) -> UnknownVoiceError:
    """The error for a voice nobody has, naming the installed voices for ``language``."""
    try:
        choices = ", ".join(v.key for v in list_voices(language)) or "none"
    except SpeechEngineError:
        choices = ", ".join(_piper_voice(v).key for v in find_voices().voices) or "none"
    return UnknownVoiceError(f"no voice named {name!r}",
                             f"voices for {language!r}: {choices}; all: `voiceguide voices`")
