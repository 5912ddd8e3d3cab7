"""eSpeak NG as pyttsx3 loads it: the system library, else the bundled copy.

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
import importlib.util
import os
from pathlib import Path
from types import ModuleType

from voiceguide.errors import SpeechEngineError

INSTALL_HINT = (
    "install eSpeak NG with `apt-get install espeak-ng` (Debian/Ubuntu), "
    "or `pip install espeakng-loader` for a bundled copy"
)


def import_pyttsx3() -> ModuleType:
    """pyttsx3 itself, or a SpeechEngineError saying how to install it."""
    try:
        import pyttsx3
    except ImportError as exc:
        raise SpeechEngineError(
            "speech needs the pyttsx3 package: `pip install pyttsx3`"
        ) from exc
    module: ModuleType = pyttsx3
    return module


def load_espeak() -> ModuleType:
    """pyttsx3's eSpeak NG binding with its library loaded: the system one, else the bundled one."""
    import_pyttsx3()
    try:
        return importlib.import_module("pyttsx3.drivers._espeak")
    except (ImportError, RuntimeError, OSError):
        return _load_bundled_espeak()


def _load_bundled_espeak() -> ModuleType:
    """Preload espeakng-loader's libespeak-ng: pyttsx3 then finds it by its soname."""
    try:
        import espeakng_loader
    except ImportError as exc:
        raise SpeechEngineError(f"the eSpeak NG library was not found: {INSTALL_HINT}") from exc
    import ctypes

    try:
        os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
        ctypes.CDLL(espeakng_loader.get_library_path())
        return importlib.import_module("pyttsx3.drivers._espeak")
    except (ImportError, RuntimeError, OSError) as exc:
        raise SpeechEngineError(
            f"neither the system nor the bundled eSpeak NG library loads ({exc}): {INSTALL_HINT}"
        ) from exc


def prepare_driver() -> None:
    """Load the library and silence the driver, which prints a line for every file it saves."""
    load_espeak()
    vars(importlib.import_module("pyttsx3.drivers.espeak"))["print"] = _discard


def synchronize() -> None:
    """Wait for eSpeak NG to finish queued work: pyttsx3's run cancels whatever is
    pending, a rate change included."""
    load_espeak().Synchronize()


def _discard(*_args: object, **_kwargs: object) -> None:
    """Stands in for ``print`` inside pyttsx3's eSpeak driver."""


def espeak_version() -> str:
    """``eSpeak NG 1.51``, read from the loaded library without starting the engine."""
    return f"eSpeak NG {load_espeak().Info(None).decode()}"


@functools.lru_cache(maxsize=1)
def pyttsx3_source_digest() -> str:
    """A digest of pyttsx3's source, for cache keys: cheaper than importlib.metadata
    (20-30 ms), it catches a patched install, and it imports nothing."""
    spec = importlib.util.find_spec("pyttsx3")
    if spec is None or not spec.submodule_search_locations:
        raise SpeechEngineError("speech needs the pyttsx3 package: `pip install pyttsx3`")
    folder = Path(spec.submodule_search_locations[0])
    digest = hashlib.sha256()
    for source in sorted(folder.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def espeak_identity() -> str:
    """What makes an eSpeak NG clip, e.g. ``eSpeak NG 1.51; pyttsx3 source 3f2a9c0d1e4b``."""
    return f"{espeak_version()}; pyttsx3 source {pyttsx3_source_digest()}"


def language_rank(voice_id: str, languages: tuple[str, ...], language: str) -> int | None:
    """How well an eSpeak NG voice fits a language: 0 its own voice (``gmw/en``), 1 exact
    language tag, 2 a regional variant (``en-us``); None if it does not speak it."""
    language = language.casefold()
    if voice_id.casefold().rsplit("/", 1)[-1] == language:
        return 0
    tags = [tag.casefold() for tag in languages]
    if language in tags:
        return 1
    if any(tag.startswith(language + "-") for tag in tags):
        return 2
    return None
