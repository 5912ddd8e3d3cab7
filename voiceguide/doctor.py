"""``doctor``: check each outside part voiceguide needs, and say how to fix what fails."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from voiceguide.errors import AudioDeviceError, FfmpegMissingError, VoiceguideError
from voiceguide.ffmpeg import FFMPEG_HINT, find_ffmpeg
from voiceguide.script.model import LANGUAGES


@dataclass(frozen=True)
class Check:
    """One outcome: what was checked, whether it passed, what was found, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warn: bool = False
    """Passed, but something worth fixing (printed with its fix, exit status 0)."""


def check_engine() -> Check:
    from voiceguide.speech.engine import engine_version

    try:
        return Check("eSpeak NG", True, engine_version())
    except VoiceguideError as exc:
        return Check("eSpeak NG", False, str(exc),
                     "install eSpeak NG (apt-get install espeak-ng) and pyttsx3 "
                     "(pip install pyttsx3)")


def check_piper() -> Check:
    """Piper is optional (eSpeak NG speaks without it), so its absence only warns."""
    from voiceguide.speech.engine import piper_version
    from voiceguide.speech.piper_voices import (
        INSTALL_HINT,
        find_voices,
        piper_installed,
        user_voices_dir,
    )

    if not piper_installed():
        return Check("Piper", True, "not installed: eSpeak NG speaks every language",
                     INSTALL_HINT, warn=True)
    found = find_voices()
    names = ", ".join(v.id for v in found.voices) or "none"
    detail = f"{piper_version()}; {names}; add voices in {user_voices_dir()}"
    if found.skipped:
        return Check("Piper", True, f"{detail}; passed over: {'; '.join(found.skipped)}",
                     "give each NAME.onnx its NAME.onnx.json from the same download",
                     warn=True)
    return Check("Piper", True, detail)


def check_voice(language: str) -> Check:
    from voiceguide.speech.voices import list_voices

    name = f"voice for {language!r}"
    try:
        voices = list_voices(language)
    except VoiceguideError as exc:
        return Check(name, False, str(exc), "fix the speech engine first")
    if not voices:
        return Check(name, False, "none installed",
                     "install the eSpeak NG voice data (apt-get install espeak-ng-data)")
    best = voices[0]
    return Check(name, True, f"{best.key} ({best.name}, {best.quality})")


def check_audio() -> Check:
    from voiceguide.play.device import probe_output

    try:
        probe_output().wait_stopped()
    except AudioDeviceError as exc:  # its own advice would send the reader here again
        return Check("audio output", False, exc.reason,
                     "connect a sound device and start the sound server (PulseAudio or "
                     "PipeWire; without hardware: tools/sound-server.sh start), or use "
                     "`voiceguide export` to write the session to a file")
    except VoiceguideError as exc:
        return Check("audio output", False, str(exc),
                     "connect a sound device and start the sound server (PulseAudio or "
                     "PipeWire; without hardware: tools/sound-server.sh start), or use "
                     "`voiceguide export` to write the session to a file")
    return Check("audio output", True, "plays (ALSA default device)")


def check_ffmpeg() -> Check:
    """The ffmpeg export would use: on PATH, else the pip-shipped one (imageio-ffmpeg)."""
    fix = f"only WAV export works without it: {FFMPEG_HINT}"
    try:
        path = find_ffmpeg()
    except FfmpegMissingError:
        return Check("ffmpeg", False, "not found on PATH nor from imageio-ffmpeg", fix)
    try:
        version = subprocess.run([path, "-version"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError) as exc:
        return Check("ffmpeg", False, f"{path} does not run: {exc}", fix)
    return Check("ffmpeg", True, version)


def check_cache() -> Check:
    from voiceguide.paths import speech_cache_dir

    folder = speech_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("speech cache", False, f"{folder}: {exc.strerror or exc}",
                     "make the folder writable, or point XDG_CACHE_HOME at a writable one")
    return Check("speech cache", True, str(folder))


def all_checks() -> list[Callable[[], Check]]:
    """Every check, in the order a fix is best made (engine before voices)."""
    voices = [lambda language=language: check_voice(language) for language in LANGUAGES]
    return [check_engine, check_piper, *voices, check_audio, check_ffmpeg, check_cache]


def run_checks() -> list[Check]:
    return [check() for check in all_checks()]
