"""Which voice speaks: defaults per language, the user's voices folder, names and paths,
and what a bad voice choice is told (real engines, real commands)."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.piper_support import JOE, copy_voice
from voiceguide.cli import main
from voiceguide.script.model import VoiceSettings
from voiceguide.speech import voices
from voiceguide.speech.engine import describe
from voiceguide.speech.piper_voices import user_voices_dir

pytestmark = pytest.mark.engine


@pytest.fixture
def voices_folder() -> Iterator[Path]:
    """The user's voices folder, emptied after the test (choices are remembered per
    process, so the memo is cleared on both sides)."""
    folder = user_voices_dir()
    voices._choose.cache_clear()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
    voices._choose.cache_clear()


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceguide", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def script(tmp_path: Path, voice: str | None, language: str = "en") -> Path:
    path = tmp_path / "voice.yaml"
    named = f"voice:\n  name: {voice}\n" if voice else ""
    path.write_text(f"format: 1\nworkout: Voice check\nlanguage: {language}\n{named}"
                    "blocks:\n  - say: Ready.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("language", "best"), [
    ("en", JOE), ("de", "espeak:gmw/de"), ("es", "espeak:roa/es"), ("fr", "espeak:roa/fr")])
def test_default_voice_per_language_piper_before_espeak(language: str, best: str) -> None:
    assert describe(VoiceSettings(language=language)) == best


def test_without_piper_english_falls_back_to_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "piper", None)
    voices._choose.cache_clear()
    assert describe(VoiceSettings()) == "espeak:gmw/en"
    assert [v.engine for v in voices.list_voices("en")][0] == "espeak"
    monkeypatch.undo()
    voices._choose.cache_clear()


def test_a_voice_in_the_folder_becomes_its_languages_default(voices_folder: Path) -> None:
    copy_voice(voices_folder, "de_DE-probe-medium", language="de_DE", link=True)
    copy_voice(voices_folder, "en_US-probe-high", quality="high", link=True)
    assert describe(VoiceSettings(language="de")) == "piper:de_DE-probe-medium"
    assert describe(VoiceSettings()) == "piper:en_US-probe-high"
    result = CliRunner().invoke(main, ["voices", "--language", "en"])
    assert [line.split()[0] for line in result.output.splitlines()[:3]] == [
        "piper:en_US-probe-high", JOE, "espeak:gmw/en"]
    assert describe(VoiceSettings(name="de_DE-PROBE-medium")) == "piper:de_DE-probe-medium"


def test_doctor_warns_about_a_model_without_config(voices_folder: Path) -> None:
    voices_folder.mkdir(parents=True)
    (voices_folder / "lonely.onnx").write_bytes(b"not a model")
    from voiceguide.doctor import check_piper

    check = check_piper()
    assert check.ok and check.warn
    assert f"Piper voice config {voices_folder / 'lonely.onnx.json'}: no such file" in check.detail


def test_any_voice_by_path_relative_to_the_script(tmp_path: Path) -> None:
    copy_voice(tmp_path / "mine", "en_GB-mine-medium", language="en_GB", link=True)
    path = script(tmp_path, "mine/en_GB-mine-medium.onnx")
    done = run("show", str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert '"name": "' + str(tmp_path / "mine" / "en_GB-mine-medium.onnx") in done.stdout


@pytest.mark.parametrize("name", ["piper:nobody", "Nobody", "espeak:nobody"])
def test_unknown_voice_in_a_script_is_located_and_lists_the_voices(
        tmp_path: Path, name: str) -> None:
    path = script(tmp_path, name)
    done = run("export", str(path), "-o", str(tmp_path / "out.wav"))
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    asked = name.removeprefix("espeak:")
    assert line.startswith(f"{path}:5:9: error: no voice named {asked!r} (hint: voices "
                           f"for 'en': {JOE}, espeak:gmw/en, ")
    assert "espeak:gmw/en-us" in line
    assert not (tmp_path / "out.wav").exists()


def test_unknown_voice_on_the_command_line_is_located_at_the_option(tmp_path: Path) -> None:
    done = run("show", str(script(tmp_path, None)), "--voice", "piper:nobody")
    assert done.returncode == 2
    assert done.stderr.startswith("--voice:1:1: error: no voice named 'piper:nobody' (hint: ")


def test_a_voice_of_another_language_is_a_warning(tmp_path: Path) -> None:
    path = script(tmp_path, JOE, language="de")
    done = run("validate", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == (f"{path}:5:9: warning: voice {JOE} speaks en-us, not the "
                           "script's language 'de'\n")
    assert run("validate", "--strict", str(path)).returncode == 2


def test_say_plays_a_voice_of_either_engine_by_name() -> None:
    for name in (JOE, "espeak:gmw/en-us"):
        done = run("say", "Ready?", "--voice", name)
        # no sound server is needed to know the voice: the line is printed first
        assert done.stdout.startswith(f"{name}, 165 wpm, "), done.stderr


@pytest.mark.parametrize(("files", "problem"), [
    ({}, "Piper voice model {model}: no such file"),
    ({"json": True}, "Piper voice model {model}: no such file"),
    ({"onnx": b"not an onnx model"}, "Piper voice config {model}.json: no such file"),
    ({"onnx": b"not an onnx model", "json": True}, "Piper voice model {model} does not load"),
])
def test_missing_or_corrupt_model_names_the_file_and_writes_nothing(
        tmp_path: Path, files: dict[str, object], problem: str) -> None:
    folder = tmp_path / "voices"
    model = copy_voice(folder, "en_US-bad-medium", link=True)
    model.unlink()
    if "onnx" in files:
        model.write_bytes(files["onnx"])  # type: ignore[arg-type]
    if "json" not in files:
        model.with_name(model.name + ".json").unlink()
    out = tmp_path / "out" / "session.mp3"
    out.parent.mkdir()
    done = run("export", str(script(tmp_path, "voices/en_US-bad-medium.onnx")), "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: " + problem.format(model=model)), done.stderr
    assert "Traceback" not in done.stderr
    assert list(out.parent.iterdir()) == []


def test_cold_synthesis_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    """stderr a pseudo-terminal, the caches empty: the bar names the lines to make."""
    path = script(tmp_path, None)
    path.write_text(path.read_text(encoding="utf-8") + "  - say: Breathe out slowly.\n",
                    encoding="utf-8")
    main_fd, terminal = pty.openpty()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "100"}
    chunks: list[bytes] = []

    def read_all() -> None:
        """Drain the terminal while the command runs, so its writes never block."""
        with suppress(OSError):  # the other end closed: all was read
            while chunk := os.read(main_fd, 65536):
                chunks.append(chunk)

    reader = threading.Thread(target=read_all)
    reader.start()
    done = subprocess.run([sys.executable, "-m", "voiceguide", "export", str(path), "-o",
                           str(tmp_path / "out.wav")], stderr=terminal, stdout=subprocess.PIPE,
                          env=env, timeout=120)
    os.close(terminal)
    reader.join(timeout=30)
    os.close(main_fd)
    shown = b"".join(chunks)
    assert done.returncode == 0
    shown_json = subprocess.run([sys.executable, "-m", "voiceguide", "show", str(path),
                                 "--json"], env=env, capture_output=True, text=True, check=True)
    events = json.loads(shown_json.stdout)["events"]
    lines = {e["text"] for e in events if e["kind"] == "speech"}
    assert len(lines) > 2
    assert f"synthesizing {len(lines)} lines".encode() in shown, shown
