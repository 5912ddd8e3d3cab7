"""What the compiler and renderer need from speech, kept apart from any engine.

The compiler only asks for lengths (so tests can pass a fake with fixed lengths); the
renderer asks for the samples. ``voiceguide.speech.engine`` provides the real engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from voiceguide.pcm import Pcm
from voiceguide.script.model import VoiceSettings


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit speech samples at ``sample_rate`` Hz, silence trimmed at both ends."""

    samples: Pcm
    sample_rate: int

    @property
    def duration_ms(self) -> int:
        """Length rounded up, so events placed back to back never overlap."""
        return -(-len(self.samples) * 1000 // self.sample_rate)


class SpeechLengths(Protocol):
    """Lengths of spoken texts in ms for a voice: all the compiler needs."""

    def duration_ms(self, text: str, voice: VoiceSettings) -> int: ...


class SpeechSource(SpeechLengths, Protocol):
    """Lengths and samples: what the renderer needs."""

    def clip(self, text: str, voice: VoiceSettings) -> Clip: ...


@runtime_checkable
class SpeechPlanner(SpeechLengths, Protocol):
    """What the real engine adds before a compile: checking the voice a script names,
    and synthesizing every missing line at once (with progress) instead of one by one."""

    def voice_warning(self, voice: VoiceSettings) -> str | None:
        """A warning about the voice (None if fine); raises if no such voice exists."""
        ...

    def cached_ms(self, text: str, voice: VoiceSettings) -> int | None:
        """The length of a text already synthesized, else None (nothing is synthesized)."""
        ...

    def prepare(self, texts: Iterable[str], voice: VoiceSettings) -> None: ...
