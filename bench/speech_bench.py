"""Speech stage timings: engine start, cold vs warm clips, warm length lookups, batching.

Run: ``.venv/bin/python bench/speech_bench.py [--texts N] [--tiny]`` (N distinct texts,
default 200; ``--tiny``: 5, to check that it runs).
Everything is measured in this run, in a temporary cache, and printed as ratios too.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from voiceguide.script.model import VoiceSettings
from voiceguide.speech import engine as speech
from voiceguide.speech import tts as engines

VOICE = VoiceSettings()
LOOKUPS = 5000
"""Length lookups of a 1,000-block script: a few per block, most texts repeated."""


def texts(n: int) -> list[str]:
    phrases = ["Go!", "Rest", "Halfway there", "Last rep, make it count!", "Ten seconds left"]
    return (phrases + [f"Rep {i}" for i in range(1, n)])[:n]


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def batch_check(engine: engines.Engine, folder: Path, n: int) -> tuple[int, float, float]:
    """pyttsx3's batch (n ``save_to_file`` then one ``runAndWait``) vs one run per text:
    files written by the batch, and seconds per text for both."""
    tts = engine._tts
    finished = threading.Event()
    tts.connect("finished-utterance", lambda **_: finished.set())

    def batch() -> None:
        finished.clear()
        for i in range(n):
            tts.save_to_file(f"Batch {i}", str(folder / f"batch-{i}.wav"))
        tts.runAndWait()
        finished.wait(engines.SYNTH_TIMEOUT_S)

    def one_by_one() -> None:
        for i in range(n):
            finished.clear()
            tts.save_to_file(f"Single {i}", str(folder / f"single-{i}.wav"))
            tts.runAndWait()
            finished.wait(engines.SYNTH_TIMEOUT_S)

    batch_s = timed(batch)
    single_s = timed(one_by_one)
    written = len(list(folder.glob("batch-*.wav")))
    return written, batch_s / n, single_s / n


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        start_s = timed(speech.engine_version)
        print(f"engine start (import, init, voice list): {start_s * 1000:.1f} ms")

        words = texts(n)
        cold = speech.EngineSpeech(cache_dir=cache)
        cold_s = timed(lambda: cold.prepare(words, VOICE)) / n
        warm = speech.EngineSpeech(cache_dir=cache)
        warm_s = timed(lambda: [warm.clip(t, VOICE) for t in words]) / n
        print(f"cold clip: {cold_s * 1000:.2f} ms/clip ({cold.synthesized} synthesized)")
        print(f"warm clip: {warm_s * 1000:.3f} ms/clip ({warm.synthesized} synthesized)")
        print(f"cold / warm: {cold_s / warm_s:.0f}x")

        fresh = speech.EngineSpeech(cache_dir=cache)
        header_s = timed(lambda: [fresh.duration_ms(t, VOICE) for t in words]) / n
        lookups = [words[i % n] for i in range(LOOKUPS)]
        memo_s = timed(lambda: [fresh.duration_ms(t, VOICE) for t in lookups]) / LOOKUPS
        print(f"warm duration_ms, first lookup of a text (WAV header): {header_s * 1e6:.1f} us")
        print(f"warm duration_ms, repeated lookup (memo): {memo_s * 1e6:.2f} us")
        script_s = n * header_s + LOOKUPS * memo_s
        print(f"{LOOKUPS} lookups over {n} texts: {script_s * 1000:.1f} ms "
              f"(+ engine start {start_s * 1000:.0f} ms) = "
              f"{(script_s + start_s) / 1.0:.1%} of the 1 s compile budget")

        scratch = Path(tmp) / "batch"
        scratch.mkdir()
        written, batch_s, single_s = batch_check(engines.engine("espeak"), scratch, 20)
        print(f"pyttsx3 batch of 20: {written} file(s) written, {batch_s * 1000:.2f} ms/text; "
              f"one run per text: {single_s * 1000:.2f} ms/text")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--tiny", action="store_true",
                        help="5 texts: checks the benchmark runs (tests/test_bench.py)")
    options = parser.parse_args()
    main(5 if options.tiny else options.texts)
