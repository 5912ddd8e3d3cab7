"""The one error tree of voiceguide; the CLI maps each branch to an exit status.

Exit statuses: 0 ok; 1 runtime failure (device, disk, missing tool or engine);
2 bad script or bad usage; 130 interrupted by Ctrl-C; 143 SIGTERM and 129 SIGHUP,
handled as Ctrl-C is (``signals.py``).
"""

from __future__ import annotations

from voiceguide.problems import Problem


class VoiceguideError(Exception):
    """Base of every error voiceguide raises on purpose."""

    exit_code = 1


class ScriptError(VoiceguideError):
    """A script (or an override) has errors; carries every problem found, sorted."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


class UsageError(VoiceguideError):
    """A command-line value is wrong (unknown bundled script, bad week, ...)."""

    exit_code = 2


class SpeechEngineError(VoiceguideError):
    """The speech engine (pyttsx3 / eSpeak NG) is missing or failed; says what to install."""


class UnknownVoiceError(SpeechEngineError):
    """A script or ``--voice`` names a voice the engine does not have; lists those it has."""

    exit_code = 2

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(f"{message} ({hint})")
        self.message = message
        self.hint = hint


class FfmpegMissingError(VoiceguideError):
    """ffmpeg is needed for this format and was not found; says what to install."""


class AudioDeviceError(VoiceguideError):
    """No audio output (device or sound server) could be opened, or it went away;
    ``reason`` is what failed, the message adds what to do about it."""

    def __init__(self, reason: str, advice: str = "") -> None:
        super().__init__(f"{reason}; {advice}" if advice else reason)
        self.reason = reason


class OutputError(VoiceguideError):
    """An output file could not be written (disk full, permission, ...)."""


def add_note(error: BaseException, note: str) -> None:
    """Attach a later failure to the error that came first (``BaseException.add_note``
    of Python 3.11, also on 3.10), so both are reported and the first decides the exit."""
    error.__dict__.setdefault("__notes__", []).append(note)


def notes(error: BaseException) -> list[str]:
    """The failures attached to ``error`` by ``add_note``, in order."""
    return list(getattr(error, "__notes__", ()))


class MusicError(VoiceguideError):
    """Music named for the bed cannot be used (missing, undecodable, empty folder, a
    playlist entry missing); ``hint`` says what to do. The CLI's message is exit 2; a
    script's is turned into a located ScriptError."""

    exit_code = 2

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(f"{message} (hint: {hint})")
        self.message = message
        self.hint = hint
