"""The bundled beeps, their generator, and custom beep files."""

from __future__ import annotations

import runpy
import wave
from pathlib import Path

import numpy as np
import pytest

from voiceguide.errors import ScriptError
from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE
from voiceguide.problems import Loc
from voiceguide.render.beeps import CUSTOM_PEAK, bundled_beeps, load_beeps
from voiceguide.render.samples import read_wav
from voiceguide.script.model import BeepSettings
from voiceguide.timeline.events import BEEP_MS, BEEP_SOUNDS

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "beep_sounds"


def write_wav(path: Path, samples: np.ndarray, rate: int, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


@pytest.mark.parametrize("name", BEEP_SOUNDS)
def test_bundled_sound_is_mono_22050_and_exactly_its_beep_length(name: str) -> None:
    with wave.open(str(BUNDLED / f"{name}.wav")) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
        frames = wav.getnframes()
    assert -(-frames * 1000 // SAMPLE_RATE) == BEEP_MS[name]


def test_generator_reproduces_the_shipped_sounds(tmp_path: Path) -> None:
    import sys

    saved = sys.argv
    sys.argv = ["make_beeps.py", str(tmp_path)]
    try:
        runpy.run_path(str(REPO / "tools" / "make_beeps.py"), run_name="__main__")
    finally:
        sys.argv = saved
    for name in BEEP_SOUNDS:
        fresh, _ = read_wav(tmp_path / f"{name}.wav")
        shipped, _ = read_wav(BUNDLED / f"{name}.wav")
        assert len(fresh) == len(shipped)
        stale = f"{name}.wav is stale: rerun tools/make_beeps.py"
        assert np.max(np.abs(fresh - shipped)) <= 1 / FULL_SCALE, stale


def test_sounds_are_distinct() -> None:
    """No beep resembles another: peak normalized cross-correlation below 0.5."""
    sounds = bundled_beeps().sounds
    for a in BEEP_SOUNDS:
        for b in BEEP_SOUNDS:
            if a >= b:
                continue
            x, y = sounds[a].astype(np.float64), sounds[b].astype(np.float64)
            size = 2 * (len(x) + len(y))
            corr = np.fft.irfft(np.fft.rfft(x, size) * np.conj(np.fft.rfft(y, size)), size)
            similarity = np.max(np.abs(corr)) / (np.linalg.norm(x) * np.linalg.norm(y))
            assert similarity < 0.5, (a, b, similarity)


@pytest.mark.parametrize("name", BEEP_SOUNDS)
def test_sounds_start_and_end_in_silence_without_clipping(name: str) -> None:
    sound = bundled_beeps()[name]
    assert abs(sound[0]) < 0.01 and abs(sound[-1]) < 0.001
    assert 0.4 < np.max(np.abs(sound)) <= 10 ** (-1 / 20) + 1e-4


def test_custom_file_is_resampled_mixed_down_normalized_and_cut(tmp_path: Path) -> None:
    rate, seconds = 44100, 2
    t = np.arange(rate * seconds) / rate
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    write_wav(tmp_path / "chime.wav", np.repeat(tone, 2), rate, channels=2)
    cues = load_beeps(BeepSettings(sound="chime.wav"), script_file=str(tmp_path / "w.yaml"))
    for name in BEEP_SOUNDS:
        sound = cues[name]
        assert len(sound) == BEEP_MS[name] * SAMPLE_RATE // 1000
        assert np.max(np.abs(sound)) == pytest.approx(CUSTOM_PEAK, rel=0.02)
        assert abs(sound[-1]) < 0.01  # faded where cut
    spectrum = np.abs(np.fft.rfft(cues["finish"]))
    assert np.argmax(spectrum) * SAMPLE_RATE / len(cues["finish"]) == pytest.approx(440, abs=3)


def test_short_custom_file_is_kept_whole(tmp_path: Path) -> None:
    write_wav(tmp_path / "blip.wav", np.full(441, 5000, np.int16), 22050)
    cues = load_beeps(BeepSettings(sound=str(tmp_path / "blip.wav")))
    assert len(cues["finish"]) == 441 and len(cues["tick"]) == 441


@pytest.mark.parametrize("content, reason", [
    (None, "No such file"),
    (b"RIFF\x00\x00\x00\x00WAVEjunk", "cannot read beep"),
    (b"not audio at all", "cannot read beep"),
])
def test_missing_or_unreadable_custom_file_is_a_located_error(
        tmp_path: Path, content: bytes | None, reason: str) -> None:
    sound = tmp_path / "bell.wav"
    if content is not None:
        sound.write_bytes(content)
    beeps = BeepSettings(sound=str(sound), loc=Loc(7, 10))
    with pytest.raises(ScriptError) as caught:
        load_beeps(beeps, script_file="workout.yaml")
    (problem,) = caught.value.problems
    assert problem.format().startswith(f"workout.yaml:7:10: error: cannot read beep {sound}")
    assert reason in problem.message


def test_silent_custom_file_is_an_error(tmp_path: Path) -> None:
    write_wav(tmp_path / "quiet.wav", np.zeros(1000, np.int16), 22050)
    with pytest.raises(ScriptError, match="silent"):
        load_beeps(BeepSettings(sound=str(tmp_path / "quiet.wav")), script_file="w.yaml")


def test_bundled_file_name_is_found_in_beep_sounds() -> None:
    """``sound: finish.wav`` names the bundled file: every beep is that sound, cut."""
    cues = load_beeps(BeepSettings(sound="finish.wav"), script_file="/nowhere/w.yaml")
    finish = bundled_beeps()["finish"]
    for name in BEEP_SOUNDS:
        assert len(cues[name]) == min(len(finish), BEEP_MS[name] * SAMPLE_RATE // 1000)
        head = len(cues[name]) // 2  # before any fade-out
        assert np.corrcoef(cues[name][:head], finish[:head])[0, 1] > 0.999, name


@pytest.mark.ffmpeg
def test_custom_mp3_is_decoded_with_ffmpeg(tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "tone.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=660:d=1",
                    str(source)], check=True)
    cues = load_beeps(BeepSettings(sound=str(source)), script_file="w.yaml")
    spectrum = np.abs(np.fft.rfft(cues["finish"]))
    assert np.argmax(spectrum) * SAMPLE_RATE / len(cues["finish"]) == pytest.approx(660, abs=3)


def test_a_bundled_beep_is_named_with_or_without_wav() -> None:
    from voiceguide.script.parse import parse_script

    def sound(name: str) -> str:
        script, problems = parse_script(
            f"workout: W\nbeeps: {{sound: {name}}}\nblocks:\n  - say: Hi\n", "/nowhere/w.yaml")
        assert script is not None, problems
        return script.beeps.sound

    assert sound("finish") == sound("finish.wav")
    assert Path(sound("finish")).name == "finish.wav"
