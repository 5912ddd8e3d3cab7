"""Voice benchmark: Piper against eSpeak NG, export speed and how well the words are heard.

    .venv/bin/python bench/voice_bench.py [--tiny]

Prints, from this one run, for each engine (Piper's en_US-joe-medium, the English
default with the [piper] extra; eSpeak NG by ``--voice espeak:``):

(a) cold export of hip-thrust to WAV (empty speech, timeline and export caches: every
    line synthesized) and warm export (all caches kept; WAV is not in the export cache,
    so it renders again), each in a fresh ``voiceguide export`` process -- target: cold
    Piper under 10 s on a 2-core machine; the Piper / eSpeak NG ratios beside them;
(b) the word error rate of an offline recognizer (pocketsphinx and its bundled US
    English model; jiwer for the rate) over the session's distinct spoken lines, each
    clip from the speech cache the exports filled, resampled to 16 kHz by ffmpeg --
    lower is better; Piper's rate / eSpeak NG's beside them.

``--tiny`` does the same for a one-exercise script and its first lines, so CI can run it
in seconds. First sound of ``play`` on a warm cache with Piper installed is
``bench/play_bench.py`` (the English default voice is Piper's there too).
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TINY = """\
workout: Tiny voice check
blocks:
  - exercise: Hip thrust
    sets: 1
    reps: 3
    tempo: 1-0-1
    cues: {start: Drive through your heels.}
"""
ENGINES = {"Piper": None, "eSpeak NG": "espeak:"}
"""Engine -> the --voice that selects it (None: the English default, Piper)."""
SILENCE_S = 0.3
"""Silence put around each clip before recognition, in seconds."""


def export(script: str, out: Path, cache: Path, voice: str | None) -> float:
    """Wall time of one ``voiceguide export`` in a fresh process, in seconds."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "XDG_STATE_HOME": str(cache / "state")}
    command = [sys.executable, "-m", "voiceguide", "export", script, "-o", str(out)]
    command += ["--voice", voice] if voice else []
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def heard(decoder: object, samples: np.ndarray, rate: int, ffmpeg: str) -> str:
    """What pocketsphinx hears in a clip, resampled to its 16 kHz by ffmpeg."""
    pad = np.zeros(int(rate * SILENCE_S), np.int16)
    raw = np.concatenate([pad, samples, pad]).astype("<i2").tobytes()
    resampled = subprocess.run(
        [ffmpeg, "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-",
         "-ar", "16000", "-f", "s16le", "-"], input=raw, capture_output=True, check=True).stdout
    decoder.start_utt()  # type: ignore[attr-defined]
    decoder.process_raw(resampled, full_utt=True)  # type: ignore[attr-defined]
    decoder.end_utt()  # type: ignore[attr-defined]
    hypothesis = decoder.hyp()  # type: ignore[attr-defined]
    return hypothesis.hypstr if hypothesis else ""


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z']+", text.lower()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true",
                        help="a one-exercise script and a few lines (for CI)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vg-voice-bench-") as folder:  # gone on failure too
        measure(Path(folder), tiny=args.tiny)


def measure(work: Path, *, tiny: bool) -> None:
    """Export with each engine, then recognize its lines, all inside ``work``; prints."""
    script = "hip-thrust"
    if tiny:
        (work / "tiny.yaml").write_text(TINY, encoding="utf-8")
        script = str(work / "tiny.yaml")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    compileall.compile_dir(ROOT / "voiceguide", quiet=1)
    times: dict[str, tuple[float, float]] = {}
    for engine, voice in ENGINES.items():
        cache = work / engine.replace(" ", "-")
        cold = export(script, work / "cold.wav", cache, voice)
        warm = export(script, work / "warm.wav", cache, voice)
        times[engine] = (cold, warm)
    for engine, (cold, warm) in times.items():
        note = f"; target < 10 s: {cold / 10:.2f} of it" if engine == "Piper" else ""
        print(f"{engine}: cold export {cold:.2f} s{note}; warm {warm:.2f} s")
    piper, espeak = times["Piper"], times["eSpeak NG"]
    print(f"Piper / eSpeak NG: cold {piper[0] / espeak[0]:.2f}, warm {piper[1] / espeak[1]:.2f}")
    print(f"word error rate over {recognition(script, work, tiny)}")


def recognition(script: str, work: Path, tiny: bool) -> str:
    """Each engine's word error rate over the distinct lines, as a printable line."""
    import jiwer
    from pocketsphinx import Decoder

    from voiceguide.adjust.overrides import Overrides
    from voiceguide.app import build_timeline
    from voiceguide.ffmpeg import find_ffmpeg
    from voiceguide.speech.engine import EngineSpeech, describe

    ffmpeg = find_ffmpeg()
    decoder = Decoder(samprate=16000, logfn=os.devnull)
    rates: dict[str, float] = {}
    count = 0
    for engine, voice in ENGINES.items():
        os.environ["XDG_CACHE_HOME"] = str(work / engine.replace(" ", "-"))
        speech = EngineSpeech()
        timeline = build_timeline(script, week=None, speech=speech,
                                  overrides=Overrides(voice=voice))
        texts = timeline.speech_texts()[:8] if tiny else timeline.speech_texts()
        settings = dataclasses.replace(timeline.voice, name=voice)
        said = [words(text) for text in texts]
        got = [words(heard(decoder, clip.samples, clip.sample_rate, ffmpeg))
               for clip in (speech.clip(text, settings) for text in texts)]
        rates[f"{engine} ({describe(settings)})"] = jiwer.wer(said, got)
        count = len(texts)
    piper, espeak = rates.values()
    listed = ", ".join(f"{name} {rate:.1%}" for name, rate in rates.items())
    ratio = f"{piper / espeak:.2f}" if espeak else "n/a (eSpeak NG heard perfectly)"
    return f"{count} distinct lines (pocketsphinx): {listed}; Piper / eSpeak NG {ratio}"


if __name__ == "__main__":
    main()
