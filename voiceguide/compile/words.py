"""Numbers and durations as words of the script's language, so the voice reads them naturally.

The speech engine reads digits unevenly across languages ("90s" may come out as
"nineties"), so the compiler hands it words: ``number(3, "de") == "drei"`` and
``duration(90_000, "en") == "one minute thirty"``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from num2words import num2words


@dataclass(frozen=True)
class _Unit:
    """A time unit's singular and plural word, and whether its noun is feminine."""

    one: str
    many: str
    feminine: bool = False

    def word(self, n: int) -> str:
        return self.one if n == 1 else self.many


@dataclass(frozen=True)
class _Units:
    hour: _Unit
    minute: _Unit
    second: _Unit
    joiner: str = " "
    """What goes between minutes and the bare seconds that follow ("una hora y diez")."""


_UNITS: dict[str, _Units] = {
    "en": _Units(_Unit("hour", "hours"), _Unit("minute", "minutes"),
                 _Unit("second", "seconds")),
    "de": _Units(_Unit("Stunde", "Stunden", True), _Unit("Minute", "Minuten", True),
                 _Unit("Sekunde", "Sekunden", True)),
    "es": _Units(_Unit("hora", "horas", True), _Unit("minuto", "minutos"),
                 _Unit("segundo", "segundos"), joiner=" y "),
    "fr": _Units(_Unit("heure", "heures", True), _Unit("minute", "minutes", True),
                 _Unit("seconde", "secondes", True)),
}


@functools.lru_cache(maxsize=4096)
def number(n: int, language: str) -> str:
    """A cardinal number as words, the form used for counting ("three", "drei", "tres").

    Cached: a session says the same few numbers thousands of times, and num2words is
    the compiler's slowest step without it.
    """
    return str(num2words(n, lang=language))


def _before_noun(n: int, language: str, feminine: bool) -> str:
    """A cardinal in the form that agrees with a following noun ("eine Minute", "un minuto")."""
    word = number(n, language)
    if language == "de" and n == 1:
        return "eine" if feminine else "ein"
    if language == "es" and word.endswith("uno"):
        if feminine:
            return word[:-1] + "a"
        return word[:-3] + "ún" if word.endswith("veintiuno") else word[:-1]
    if language == "fr" and feminine and word.endswith("un"):
        return word + "e"
    return word


def duration(ms: int, language: str) -> str:
    """A duration in words, rounded to whole seconds (at least one).

    A single unit gets its noun ("thirty seconds", "two minutes"); seconds after minutes
    are left bare, as people say them ("one minute thirty").
    """
    units = _UNITS[language]
    total_s = max(1, (ms + 500) // 1000)
    hours, rest = divmod(total_s, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(n, unit) for n, unit in ((hours, units.hour), (minutes, units.minute))
             if n]
    words = [f"{_before_noun(n, language, unit.feminine)} {unit.word(n)}" for n, unit in parts]
    if not seconds:
        return " ".join(words)
    if not words:
        second = units.second
        return f"{_before_noun(seconds, language, second.feminine)} {second.word(seconds)}"
    return " ".join(words) + units.joiner + number(seconds, language)
