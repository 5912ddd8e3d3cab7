"""The real Piper engine: its pyttsx3 driver, lengths, rate, the cache and its key."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
import pyttsx3

from tests.piper_support import copy_voice
from voiceguide.script.model import VoiceSettings
from voiceguide.speech import piper_driver
from voiceguide.speech.engine import PAD_MS, SILENCE_THRESHOLD, EngineSpeech
from voiceguide.speech.protocol import Clip
from voiceguide.speech.tts import engine
from voiceguide.speech.voices import choose

pytestmark = pytest.mark.engine

JOE = VoiceSettings()  # English with the [piper] extra installed
TEXT = "Lower slowly, then drive up through your heels."


@pytest.fixture
def speech(tmp_path: Path) -> EngineSpeech:
    return EngineSpeech(cache_dir=tmp_path / "speech")


def test_driver_speaks_every_queued_utterance_through_pyttsx3(tmp_path: Path) -> None:
    """A run speaks all it queued, several at a time: each "finished-utterance" names its
    utterance and comes once its WAV is written."""
    piper_driver.register()
    tts = pyttsx3.Engine(piper_driver.DRIVER_NAME)
    (joe,) = [v for v in tts.getProperty("voices") if v.name == "en_US-joe-medium"]
    assert joe.languages == ["en-us"]
    tts.setProperty("voice", joe.id)
    tts.setProperty("rate", piper_driver.PIPER_NATURAL_WPM)
    texts = {"heels": "Drive through your heels.", "go": "Go!", "rest": "Rest one minute."}
    started: list[str] = []
    finished: queue.SimpleQueue[tuple[str, bool, bool]] = queue.SimpleQueue()
    out = {name: tmp_path / f"{name}.wav" for name in texts}
    tts.connect("started-utterance", lambda name: started.append(name))
    tts.connect("finished-utterance", lambda name, completed: finished.put(
        (name, completed, out[name].is_file())))
    for name, text in texts.items():
        tts.save_to_file(text, str(out[name]), name)
    tts.runAndWait()
    assert started == list(texts)
    done = [finished.get(timeout=60) for _ in texts]
    assert sorted(done) == sorted((name, True, True) for name in texts)
    assert tts.getProperty("voice") == joe.id
    seconds = {}
    for name, path in out.items():
        with wave.open(str(path), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
            seconds[name] = wav.getnframes() / wav.getframerate()
    assert 0.8 < seconds["heels"] < 3.0
    assert seconds["go"] < seconds["rest"] < seconds["heels"]


def test_default_english_voice_is_piper_and_gives_a_tight_clip(speech: EngineSpeech) -> None:
    assert choose(JOE).engine == "piper"
    clip = speech.clip("Go!", JOE)
    assert clip.sample_rate == 22050
    loud = np.flatnonzero(np.abs(clip.samples.astype(int)) > SILENCE_THRESHOLD)
    pad = clip.sample_rate * PAD_MS // 1000
    assert (loud[0], loud[-1]) == (pad, len(clip.samples) - 1 - pad)
    assert 150 < clip.duration_ms < 1000
    assert speech.duration_ms(TEXT, JOE) > 4 * clip.duration_ms


def test_rate_maps_onto_the_length_scale(speech: EngineSpeech) -> None:
    fast = speech.duration_ms(TEXT, VoiceSettings(rate=300))
    slow = speech.duration_ms(TEXT, VoiceSettings(rate=120))
    assert 0.3 < fast / slow < 0.6


def test_cache_serves_a_warm_process_without_loading_piper(tmp_path: Path) -> None:
    first = EngineSpeech(cache_dir=tmp_path)
    clip = first.clip(TEXT, JOE)
    assert first.synthesized == 1
    again = EngineSpeech(cache_dir=tmp_path)
    assert np.array_equal(again.clip(TEXT, JOE).samples, clip.samples)
    assert again.synthesized == 0
    program = (
        "import sys\nfrom pathlib import Path\n"
        "from voiceguide.script.model import VoiceSettings\n"
        "from voiceguide.speech.engine import EngineSpeech\n"
        f"speech = EngineSpeech(cache_dir=Path({str(tmp_path)!r}))\n"
        f"print(speech.clip({TEXT!r}, VoiceSettings()).duration_ms, speech.synthesized,\n"
        "      [m for m in ('piper', 'onnxruntime', 'pyttsx3') if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          check=True)
    assert done.stdout == f"{clip.duration_ms} 0 []\n"


def test_piper_and_espeak_clips_differ_and_are_kept_apart(speech: EngineSpeech) -> None:
    piper = speech.clip(TEXT, JOE)
    espeak = speech.clip(TEXT, VoiceSettings(name="espeak:"))
    assert speech.synthesized == 2
    assert len(piper.samples) != len(espeak.samples)


def test_a_changed_model_or_config_is_never_served_stale(tmp_path: Path) -> None:
    model = copy_voice(tmp_path / "voices", "en_US-copy-medium")
    voice = VoiceSettings(name=str(model))
    cache = tmp_path / "speech"

    def synthesized() -> int:
        speech = EngineSpeech(cache_dir=cache)
        speech.duration_ms("Halfway there.", voice)
        return speech.synthesized

    assert synthesized() == 1
    assert synthesized() == 0
    os.utime(model, ns=(1, 1))  # touched, same bytes: the digest is the same
    assert synthesized() == 0
    with model.open("ab") as f:  # an unknown protobuf field: still a loadable model
        f.write(b"\xc0\x3e\x01")
    assert synthesized() == 1
    assert synthesized() == 0
    config = model.with_name(model.name + ".json")
    settings = json.loads(config.read_text(encoding="utf-8"))
    settings["inference"]["noise_scale"] = 0.5
    config.write_text(json.dumps(settings), encoding="utf-8")
    assert synthesized() == 1


def test_prepare_reports_each_missing_line(tmp_path: Path) -> None:
    steps: list[int] = []

    class Counter:
        def __init__(self, lines: int) -> None:
            steps.append(lines)

        def __enter__(self):  # noqa: ANN204
            return lambda: steps.append(-1)

        def __exit__(self, *_: object) -> None:
            steps.append(0)

    speech = EngineSpeech(cache_dir=tmp_path, progress=Counter)
    speech.clip("One.", JOE)
    speech.prepare(["One.", "Two.", "Three.", "Two."], JOE)
    assert steps == [2, -1, -1, 0]
    speech.prepare(["One.", "Two."], JOE)
    assert steps == [2, -1, -1, 0]
    assert speech.synthesized == 3


def test_an_abandoned_run_drops_the_utterances_no_worker_started() -> None:
    """Ctrl-C (or an error) in the middle of a cold synthesis must not leave the process
    waiting, at exit, for every line still queued."""
    piper = engine("piper")
    voice = choose(JOE).piper
    assert voice is not None
    spoken: list[str] = []
    piper._tts.connect("finished-utterance",
                       lambda name, completed: spoken.append(name) if completed else None)
    texts = [f"Line number {n} of a run that is given up." for n in range(24)]

    def interrupt(index: int, clip: Clip) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        piper.synthesize_all(texts, voice_id=str(voice.model), rate=JOE.rate, each=interrupt)
    piper.synthesize_all(["Go!"], voice_id=str(voice.model), rate=JOE.rate,
                         each=lambda *_: None)
    # The workers take utterances first in, first out: had the given-up lines stayed
    # queued, all of them would have been spoken before "Go!". Only the first and those
    # a worker started before the interrupt reached the adapter are (a few, on a busy
    # machine).
    assert len(spoken) - 1 < len(texts) // 2, spoken
