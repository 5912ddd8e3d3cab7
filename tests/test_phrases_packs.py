"""Phrase packs and spoken words: complete packs, allowed placeholders, natural durations."""

from __future__ import annotations

from importlib import resources

import pytest

from voiceguide.compile.phrasebook import Phrasebook, fill
from voiceguide.compile.words import duration, number
from voiceguide.script.model import LANGUAGES
from voiceguide.script.phrases import PLACEHOLDERS, pack, placeholders_in


@pytest.mark.parametrize("language", LANGUAGES)
def test_pack_has_every_phrase_with_allowed_placeholders_only(language: str) -> None:
    templates = pack(language)
    assert set(templates) == set(PLACEHOLDERS)
    for name, template in templates.items():
        assert set(placeholders_in(template)) <= set(PLACEHOLDERS[name]), (language, name)
        assert template.strip()


def test_the_packs_are_the_languages() -> None:
    packs = resources.files("voiceguide.script") / "phrase_packs"
    assert sorted(p.name.removesuffix(".yaml") for p in packs.iterdir()
                  if p.name.endswith(".yaml")) == sorted(LANGUAGES)


def test_fill_ignores_format_specs_and_capitalizes_sentence_starts() -> None:
    assert fill("{time:>99999} left.", {"time": "ten seconds"}) == "Ten seconds left."
    assert fill("Set {set}.  {name}!", {"set": "one", "name": "squat"}) == "Set one. Squat!"
    assert fill("{missing}Go", {}) == "Go"


def test_overrides_win_over_the_pack() -> None:
    book = Phrasebook("en", (("rest", "Breathe for {time}."),))
    assert book.say("rest", time="ten seconds") == "Breathe for ten seconds."
    assert book.say("go") == "Go!"
    assert book.uses("rest", "time") and not book.uses("go", "time")


@pytest.mark.parametrize(("ms", "language", "words"), [
    (1000, "en", "one second"), (10_000, "en", "ten seconds"), (90_000, "en",
                                                                "one minute thirty"),
    (120_000, "en", "two minutes"), (3_600_000, "en", "one hour"), (2400, "en", "two seconds"),
    (400, "en", "one second"),
    (60_000, "de", "eine Minute"), (90_000, "de", "eine Minute dreißig"),
    (21_000, "es", "veintiún segundos"), (3_600_000, "es", "una hora"),
    (90_000, "es", "un minuto y treinta"), (1000, "fr", "une seconde"),
    (21_000, "fr", "vingt et une secondes"), (75_000, "fr", "une minute quinze"),
])
def test_durations_in_words(ms: int, language: str, words: str) -> None:
    assert duration(ms, language) == words


@pytest.mark.parametrize(("n", "language", "word"), [
    (3, "en", "three"), (1, "de", "eins"), (1, "es", "uno"), (1, "fr", "un"),
    (12, "de", "zwölf")])
def test_numbers_in_words(n: int, language: str, word: str) -> None:
    assert number(n, language) == word


@pytest.mark.engine
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_bundled_script_compiles_in_every_language(language: str) -> None:
    """Real voices: the longer words of other languages must still fit every timed slot."""
    import dataclasses

    from voiceguide.app import load_checked
    from voiceguide.compile.compiler import compile_script
    from voiceguide.speech.engine import EngineSpeech
    from voiceguide.store.library import bundled_scripts

    speech = EngineSpeech()
    for entry in bundled_scripts():
        script = load_checked(entry.path)
        script = dataclasses.replace(
            script, voice=dataclasses.replace(script.voice, language=language))
        timeline = compile_script(script, speech=speech)
        assert timeline.language == language
        assert any(e.text == pack(language)["go"] for e in timeline.events), entry.name
        # Longer words may crowd out a flexible cue, never an anchored count or beep.
        crowded = [w.format() for w in timeline.warnings if "is dropped" not in w.message]
        assert crowded == [], (entry.name, crowded)
