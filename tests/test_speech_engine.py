"""The real eSpeak NG engine through pyttsx3, with the disk cache (voices named
``espeak:``: with Piper installed it speaks English by default, see test_speech_piper)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from voiceguide.errors import SpeechEngineError, UnknownVoiceError
from voiceguide.script.model import LANGUAGES, VoiceSettings
from voiceguide.speech.engine import PAD_MS, SILENCE_THRESHOLD, EngineSpeech, engine_version
from voiceguide.speech.espeak import espeak_identity
from voiceguide.speech.voices import espeak_voice, espeak_voices

pytestmark = pytest.mark.engine

EN = VoiceSettings(name="espeak:gmw/en")
HELLO = {"en": "Hello, ready to train?", "de": "Hallo, bereit zum Training?",
         "es": "Hola, listos para entrenar?", "fr": "Bonjour, prêts pour l'entraînement ?"}


@pytest.fixture
def speech(tmp_path: Path) -> EngineSpeech:
    return EngineSpeech(cache_dir=tmp_path / "speech")


def test_go_is_a_tight_clip(speech: EngineSpeech) -> None:
    clip = speech.clip("Go!", EN)
    assert clip.sample_rate == 22050
    assert clip.samples.dtype == np.int16 and clip.samples.ndim == 1
    loud = np.flatnonzero(np.abs(clip.samples.astype(int)) > SILENCE_THRESHOLD)
    pad = clip.sample_rate * PAD_MS // 1000
    assert loud.size > 0
    assert (loud[0], loud[-1]) == (pad, len(clip.samples) - 1 - pad)
    assert 100 < clip.duration_ms < 1000


def test_longer_text_lasts_longer(speech: EngineSpeech) -> None:
    short = speech.duration_ms("Go!", EN)
    long = speech.duration_ms("Go! Keep your back straight and breathe out as you push.", EN)
    assert long > 3 * short


def test_fast_rate_is_shorter_than_slow(speech: EngineSpeech) -> None:
    text = "Lower slowly, then drive up through your heels."
    fast = speech.duration_ms(text, VoiceSettings(name="espeak:", rate=300))
    slow = speech.duration_ms(text, VoiceSettings(name="espeak:", rate=120))
    assert fast < slow * 0.6


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_script_language_has_a_voice_and_speaks(
    speech: EngineSpeech, language: str
) -> None:
    voice = VoiceSettings(language=language, name="espeak:")
    info = espeak_voice(language, "")
    assert info == espeak_voices(language)[0]
    assert info.id.rsplit("/", 1)[-1] == language
    assert speech.clip(HELLO[language], voice).duration_ms > 500


def test_languages_get_different_voices() -> None:
    ids = {espeak_voice(lang, "").id for lang in LANGUAGES}
    assert len(ids) == len(LANGUAGES)


def test_voice_by_id_or_name_any_case() -> None:
    assert espeak_voice("en", "German").id == "gmw/de"
    assert espeak_voice("en", "GMW/EN-US").id == "gmw/en-us"


def test_voice_choice_changes_the_sound(speech: EngineSpeech) -> None:
    us = speech.clip("Tomato and water", VoiceSettings(name="gmw/en-us"))
    gb = speech.clip("Tomato and water", VoiceSettings(name="gmw/en"))
    assert not np.array_equal(us.samples, gb.samples)


def test_unknown_voice_names_the_choices() -> None:
    with pytest.raises(UnknownVoiceError,
                       match=r"no voice named 'Nobody' \(voices for 'de': espeak:gmw/de"):
        espeak_voice("de", "Nobody")


def test_unknown_language_is_an_engine_error(speech: EngineSpeech) -> None:
    with pytest.raises(SpeechEngineError, match="language 'zz'"):
        speech.duration_ms("Go!", VoiceSettings(language="zz"))


def test_duration_equals_clip_length(tmp_path: Path) -> None:
    texts = ["Go!", "Three", "Rest for thirty seconds.", "Last rep, make it count!", " "]
    cold = EngineSpeech(cache_dir=tmp_path)
    first = [cold.duration_ms(t, EN) for t in texts]
    assert first == [cold.clip(t, EN).duration_ms for t in texts]
    warm = EngineSpeech(cache_dir=tmp_path)
    assert [warm.duration_ms(t, EN) for t in texts] == first
    assert warm.synthesized == 0


def test_cache_hit_does_not_call_the_engine(tmp_path: Path) -> None:
    first = EngineSpeech(cache_dir=tmp_path)
    clip = first.clip("Halfway there", EN)
    assert first.synthesized == 1
    again = EngineSpeech(cache_dir=tmp_path)
    assert np.array_equal(again.clip("Halfway there", EN).samples, clip.samples)
    assert again.duration_ms("Halfway there", EN) == clip.duration_ms
    assert again.synthesized == 0


def test_volume_is_not_part_of_the_key(speech: EngineSpeech) -> None:
    speech.clip("Breathe", EN)
    speech.clip("Breathe", VoiceSettings(name="espeak:gmw/en", volume=0.2))
    assert speech.synthesized == 1


def test_rate_is_part_of_the_key(speech: EngineSpeech) -> None:
    speech.clip("Breathe", EN)
    speech.clip("Breathe", VoiceSettings(name="espeak:gmw/en", rate=200))
    assert speech.synthesized == 2


def test_corrupt_entry_is_synthesized_again(tmp_path: Path) -> None:
    EngineSpeech(cache_dir=tmp_path).clip("Ten seconds left", EN)
    (entry,) = tmp_path.glob("*.wav")
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    fresh = EngineSpeech(cache_dir=tmp_path)
    assert fresh.duration_ms("Ten seconds left", EN) > 0
    assert fresh.synthesized == 1
    assert abs(len(entry.read_bytes()) - len(whole)) < len(whole) // 10


def test_prepare_synthesizes_each_missing_text_once(speech: EngineSpeech) -> None:
    speech.clip("One", EN)
    speech.prepare(["One", "Two", "Three", "Two", "One"], EN)
    assert speech.synthesized == 3
    for text in ("One", "Two", "Three"):
        speech.duration_ms(text, EN)
        speech.clip(text, EN)
    assert speech.synthesized == 3


def test_synthesis_prints_nothing(speech: EngineSpeech, capfd: pytest.CaptureFixture) -> None:
    speech.clip("Quiet please", EN)
    assert capfd.readouterr() == ("", "")


def test_engine_version_names_espeak_and_pyttsx3() -> None:
    assert engine_version().startswith("eSpeak NG 1.")
    assert "pyttsx3 2." in engine_version()


def test_engine_identity_names_espeak_and_digests_pyttsx3() -> None:
    """The speech cache's key: the same library version, pyttsx3 by its source."""
    assert re.fullmatch(r"eSpeak NG 1\.\S+; pyttsx3 source [0-9a-f]{12}", espeak_identity())


FALLBACK = """
import os, sys
from pathlib import Path
import espeakng_loader
from voiceguide.script.model import LANGUAGES, VoiceSettings
from voiceguide.speech.engine import EngineSpeech
speech = EngineSpeech(cache_dir=Path(sys.argv[1]))
ms = [speech.duration_ms("Go!", VoiceSettings(language=lang, name="espeak:"))
      for lang in LANGUAGES]
assert all(m > 100 for m in ms), ms
assert os.environ["ESPEAK_DATA_PATH"] == espeakng_loader.get_data_path()
print("bundled ok")
"""


def _system_library() -> str:
    engine_version()  # loads it
    maps = Path("/proc/self/maps").read_text().splitlines()
    paths = {line.split()[-1] for line in maps if "libespeak-ng" in line}
    (path,) = paths
    return path


@pytest.mark.skipif(os.geteuid() != 0, reason="hiding the system library needs root")
def test_bundled_library_replaces_a_missing_system_one(tmp_path: Path) -> None:
    """Really hide libespeak-ng (bind /dev/null over it in a private mount namespace).

    unshare's own ``--propagation private`` fails inside a chroot, whose root is no
    mount point; there the mount that holds the library is made private instead, and
    nothing is hidden unless one of them is private (the bind would reach the host).
    """
    library = _system_library()
    hide = (f"{{ mount --make-rprivate / 2>/dev/null || mount --make-private "
            f"\"$(findmnt -n -o TARGET --target {library})\"; }} || exit 3; "
            f"mount --bind /dev/null {library} && exec \"$@\"")
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "unchanged", "sh", "-c", hide, "sh",
         sys.executable, "-c", FALLBACK, str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "bundled ok\n"


def test_every_settings_change_applies_to_the_next_clip(tmp_path: Path) -> None:
    """pyttsx3 loses a rate change queued behind an utterance unless eSpeak is synced."""
    text = "Drive up through your heels"
    order = [("gmw/en", 120), ("gmw/en", 300), ("gmw/de", 120), ("gmw/en", 120),
             ("gmw/en", 300), ("gmw/de", 120)]
    lengths: dict[tuple[str, int], list[int]] = {}
    for i, (name, rate) in enumerate(order):
        speech = EngineSpeech(cache_dir=tmp_path / str(i))
        ms = speech.duration_ms(text, VoiceSettings(name=f"espeak:{name}", rate=rate))
        lengths.setdefault((name, rate), []).append(ms)
    for first, second in lengths.values():
        assert abs(first - second) <= 0.02 * first
    assert lengths["gmw/en", 300][0] < 0.6 * lengths["gmw/en", 120][0]
