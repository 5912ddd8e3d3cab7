"""Whole sessions in every language: a script's translations applied for --language."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.fakes import FakeSpeech
from voiceguide.adjust.week import apply_week
from voiceguide.app import load_checked
from voiceguide.compile.compiler import compile_script
from voiceguide.script.model import Script
from voiceguide.script.parse import parse_script
from voiceguide.script.phrases import pack
from voiceguide.script.translations import script_texts

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
SPEECH = FakeSpeech()


def in_language(script: Script, language: str) -> Script:
    return dataclasses.replace(script, voice=dataclasses.replace(script.voice,
                                                                 language=language))


@pytest.mark.parametrize("week", [None, 1, 2, 3, 4])
def test_german_hip_thrust_speaks_no_english_script_line(week: int | None) -> None:
    script = load_checked(SCRIPTS / "hip-thrust.yaml")
    english = set(script_texts(script)) | set(pack("en").values())
    played = in_language(apply_week(script, week), "de")
    timeline = compile_script(played, speech=SPEECH, week=week)
    said = [e.text for e in timeline.events if e.kind == "speech"]
    assert [text for text in said if text in english] == []
    assert not any("English" in w.message for w in timeline.warnings)
    assert timeline.title == "Hip-Thrust-Programm"
    if week is None:
        assert "Satz eins von drei. Hip Thrust. Zwölf Wiederholungen. Körpergewicht." in said


@pytest.mark.parametrize("language", ["de", "es", "fr"])
@pytest.mark.parametrize("name", ["hip-thrust", "glute-bridge-beginner", "runners-glutes"])
def test_bundled_scripts_are_translated_completely(name: str, language: str) -> None:
    script = load_checked(SCRIPTS / f"{name}.yaml")
    table = dict(dict(script.translations)[language])
    assert set(table) == set(script_texts(script))


def test_a_language_without_translation_warns_once_with_the_count() -> None:
    script, _ = parse_script("workout: Legs\nblocks:\n  - hold: Plank\n    setup: Elbows down.\n",
                             "legs.yaml")
    assert script is not None
    timeline = compile_script(in_language(script, "fr"), speech=SPEECH)
    assert [w.format() for w in timeline.warnings] == [
        "legs.yaml:1:1: warning: the script has no fr translation: its 3 lines are spoken in "
        "English (hint: add translations: fr: to the script)"]
    said = [e.text for e in timeline.events if e.kind == "speech"]
    assert "Elbows down." in said and "C'est parti !" in said


def test_a_partial_translation_translates_what_it_has() -> None:
    script, problems = parse_script(
        "workout: Legs\nblocks:\n  - hold: Plank\n    setup: Elbows down.\n"
        "phrases: {go: Now!}\ntranslations:\n  de: {Legs: Beine, Plank: Unterarmstütz,"
        " 'Now!': 'Jetzt!'}\n", "legs.yaml")
    assert script is not None
    assert [p.message for p in problems] == [
        "translations.de: no translation for 'Elbows down.'; it is spoken in English"]
    timeline = compile_script(in_language(script, "de"), speech=SPEECH)
    said = [e.text for e in timeline.events if e.kind == "speech"]
    assert said[:2] == ["Beine.", "Satz eins von eins. Unterarmstütz. Dreißig Sekunden halten."]
    assert "Jetzt!" in said and "Elbows down." in said
    assert [c.title for c in timeline.chapters] == ["Unterarmstütz"]
    assert [w.message for w in timeline.warnings] == [
        "the script's de translation lacks 1 line; it is spoken in English"]
