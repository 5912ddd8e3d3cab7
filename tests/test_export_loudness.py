"""Exported loudness, measured: real speech engines, real ffmpeg (``ebur128=peak=true``).

The targets of issue 11: integrated loudness on target +-1 LU, true peak <= -1 dBTP, for
WAV and MP3 (and OGG, whose encoder overshoots most), with eSpeak NG and with Piper, at
-16 and at -14, -19 and -23; beeps at their levels relative to speech, ticks at most 6 dB
under it.
"""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.loudness_support import TOLERANCE_LU, ebur128
from tests.piper_support import JOE
from voiceguide.render import levels
from voiceguide.render.gains import BEEP_LEVELS_LU
from voiceguide.render.samples import ms_to_samples
from voiceguide.timeline.events import BEEP_MS

pytestmark = [pytest.mark.engine, pytest.mark.ffmpeg]

SESSION = """\
format: 1
workout: Loudness check
blocks:
  - warmup: Warm-up
    moves:
      - {name: Arm circles, time: 10s}
      - {name: Leg swings, time: 10s}
  - exercise: Glute bridge
    sets: 2
    reps: 4
    tempo: 2-1-2
    rest: 15s
    cues: {start: Drive through your heels and squeeze at the top., halfway: Halfway.}
  - hold: Side plank
    sets: 1
    time: 20s
"""
ESPEAK = "espeak:gmw/en"
TRUE_PEAK_MAX = -1.0
def export(folder: Path, name: str, *options: str) -> Path:
    script = folder / "session.yaml"
    script.write_text(SESSION, encoding="utf-8")
    out = folder / name
    result = subprocess.run([sys.executable, "-m", "voiceguide", "export", str(script),
                             "-o", str(out), "--timeline", str(folder / f"{name}.json"),
                             *options], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize(("voice", "fmt", "target"), [
    (ESPEAK, "wav", None), (ESPEAK, "mp3", None), (JOE, "wav", None), (JOE, "mp3", None),
    (ESPEAK, "wav", -23.0), (JOE, "mp3", -19.0),
    (ESPEAK, "wav", -14.0), (ESPEAK, "mp3", -14.0), (JOE, "wav", -14.0), (JOE, "mp3", -14.0),
    (JOE, "ogg", -14.0)])
def test_export_is_on_its_loudness_target(tmp_path: Path, voice: str, fmt: str,
                                          target: float | None) -> None:
    options = ("--voice", voice) if target is None else (
        "--voice", voice, "--loudness", f"{target:g}")
    loudness, true_peak = ebur128(export(tmp_path, f"session.{fmt}", *options))
    assert abs(loudness - (-16.0 if target is None else target)) <= TOLERANCE_LU
    assert true_peak <= TRUE_PEAK_MAX


@pytest.mark.parametrize(("voice", "fmt", "target"), [
    (JOE, "mp3", -16.0), (JOE, "ogg", -16.0), (ESPEAK, "mp3", -14.0)])
def test_the_bundled_session_keeps_its_true_peak_in_lossy_files(
        tmp_path: Path, voice: str, fmt: str, target: float) -> None:
    """A whole session, where encoders' overshoot showed (64 kb/s MP3: -0.5 dBTP; 96 kb/s
    of eSpeak NG at -14: +0.5), on target to half the tolerance."""
    out = tmp_path / f"hip-thrust.{fmt}"
    result = subprocess.run([sys.executable, "-m", "voiceguide", "export", "hip-thrust",
                             "-o", str(out), "--voice", voice, "--loudness", f"{target:g}"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    loudness, true_peak = ebur128(out)
    assert abs(loudness - target) <= TOLERANCE_LU / 2
    assert true_peak <= TRUE_PEAK_MAX


@pytest.mark.parametrize("voice", [ESPEAK, JOE])
def test_ticks_and_beeps_sit_at_their_levels_relative_to_speech(tmp_path: Path,
                                                                voice: str) -> None:
    """Each beep alone (no speech over it) against the median spoken clip, measured
    in the export with pyloudnorm: speech gated, a beep over its length."""
    import json

    out = export(tmp_path, "session.wav", "--voice", voice)
    timeline = json.loads((tmp_path / "session.wav.json").read_text(encoding="utf-8"))
    with wave.open(str(out)) as wav:
        audio = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32768.0
    events = timeline["events"]
    spoken = [(e["at_ms"], e["at_ms"] + e["duration_ms"]) for e in events
              if e["kind"] == "speech"]

    def alone(event: dict) -> bool:
        end = event["at_ms"] + event["duration_ms"]
        return not any(a < end and event["at_ms"] < b for a, b in spoken)

    def level(event: dict, *, gated: bool) -> float:
        first = ms_to_samples(event["at_ms"])
        return levels.loudness(audio[first: first + ms_to_samples(event["duration_ms"])],
                               gated=gated)

    voice = float(np.median([level(e, gated=True) for e in events if e["kind"] == "speech"]))
    found = {}
    for name in BEEP_MS:
        beeps = [e for e in events if e["sound"] == name and alone(e)]
        if beeps:
            found[name] = float(np.median([level(e, gated=False) for e in beeps])) - voice
    assert "tick" in found and len(found) >= 3, found  # go and countdown come with words
    for name, relative in found.items():
        assert relative == pytest.approx(BEEP_LEVELS_LU[name], abs=1.0), name
    assert found["tick"] >= -6.0


@pytest.mark.parametrize("value", ["-40", "0", "loud"])
def test_a_loudness_out_of_range_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = subprocess.run([sys.executable, "-m", "voiceguide", "export", "hip-thrust",
                             "-o", str(tmp_path / "x.wav"), "--loudness", value],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "--loudness" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.wav").exists()
