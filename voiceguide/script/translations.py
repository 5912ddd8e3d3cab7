"""Translations of a script's own texts, so ``--language X`` speaks a whole session in X.

A script's ``translations:`` maps a language to {text as the script writes it: the text
in that language}. The texts are everything the script itself says: its title, block
and move names, weights, ``say``, ``setup``, cues, the week's words, its own phrase
templates. They are checked against the script when it is parsed (an unknown text is an
error, a missing one a warning, a phrase template must keep its placeholders) and
applied by ``translated`` when the session is played in another language.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from typing import TypeVar, cast

from voiceguide.problems import Loc
from voiceguide.script.model import LANGUAGES, Script, Spoken
from voiceguide.script.phrases import placeholders_in
from voiceguide.script.values import Issue, choices_hint, collect, mapping, name
from voiceguide.script.yaml_nodes import Node

T = TypeVar("T")

Translations = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
"""Per language, (text as written, its translation) pairs."""

LANGUAGE_NAMES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French"}

_SPOKEN_NAMES = ("workout", "name", "weight")
"""Fields holding plain text that is spoken (block and move names, the title, weights)."""


def _walk(value: object, attr: str = "") -> Iterator[str]:
    """The spoken texts inside a model value, in order."""
    if isinstance(value, Spoken):
        yield value.text
    elif isinstance(value, str):
        if attr in _SPOKEN_NAMES:
            yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name), f.name)
    elif isinstance(value, tuple):
        if len(value) == 2 and isinstance(value[0], str):   # (field, value) of a week
            yield from _walk(value[1], value[0])
        else:
            for item in value:
                yield from _walk(item, attr)


def script_texts(script: Script) -> dict[str, str | None]:
    """Every text the script itself speaks, in order, each once -> the phrase it is a
    template of (its placeholders must stay), else None."""
    texts: dict[str, str | None] = dict.fromkeys(_walk(script.workout, "workout"))
    texts.update(dict.fromkeys(_walk((script.blocks, script.progression))))
    texts.update({template: phrase for phrase, template in script.phrases})
    return texts


def _translated(value: T, table: Mapping[str, str]) -> T:
    """``value`` translated: the same structure, so the same type, only texts changed."""
    return cast(T, _replace(value, table))


def _replace(value: object, table: Mapping[str, str], attr: str = "") -> object:
    """``value`` with each spoken text replaced by its translation, where it has one."""
    if isinstance(value, Spoken):
        return dataclasses.replace(value, text=table.get(value.text, value.text))
    if isinstance(value, str):
        return table.get(value, value) if attr in _SPOKEN_NAMES else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _replace(getattr(value, f.name), table, f.name)
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        if len(value) == 2 and isinstance(value[0], str):
            return (value[0], _replace(value[1], table, value[0]))
        return tuple(_replace(item, table, attr) for item in value)
    return value


def translated(script: Script, written_in: str) -> tuple[Script, int]:
    """The script with its texts in its voice's language, and how many of its texts have
    no translation there (they stay in ``written_in``, the language they are written in).

    Block names change everywhere alike (progression references too), so the result
    stays consistent; phrase templates are translated like any other text.
    """
    language = script.language
    if language == written_in:
        return script, 0
    table = dict(dict(script.translations).get(language, ()))
    texts = script_texts(script)
    missing = sum(1 for text in texts if text not in table)
    blocks = _translated(script.blocks, table)
    progression = _translated(script.progression, table)
    phrases = tuple((phrase, table.get(template, template))
                    for phrase, template in script.phrases)
    return dataclasses.replace(script, workout=table.get(script.workout, script.workout),
                               blocks=blocks, progression=progression,
                               phrases=phrases), missing


def convert_translations(node: Node, script: Script, issues: list[Issue]) -> Translations:
    """The ``translations:`` mapping checked against ``script``'s texts; problems go to
    ``issues`` (a missing text is a warning: it is spoken as written)."""
    given = mapping(node, "translations")
    texts = script_texts(script)
    out = []
    for key, table_node in given.items:
        language = key.text
        if language not in LANGUAGES:
            issues.append(Issue(key.loc, f"translations: unknown language {language!r}",
                                choices_hint(language, LANGUAGES, "languages")))
            continue
        if language == script.language:
            issues.append(Issue(key.loc, f"translations: {language} is the language the "
                                         "script is written in",
                                "translate into another language, or leave it out"))
            continue
        table = collect(functools.partial(mapping, what=f"translations.{language}"),
                        table_node, issues)
        if table is None:
            continue
        pairs = _pairs(language, table.items, texts, issues)
        given_keys = {getattr(k, "text", "").strip() for k, _ in table.items}
        issues += [Issue(key.loc, f"translations.{language}: no translation for {text!r}; "
                                  f"it is spoken in {LANGUAGE_NAMES[script.language]}",
                         level="warning")
                   for text in texts if text not in given_keys]
        out.append((language, tuple(pairs.items())))
    return tuple(out)


def _pairs(language: str, items: tuple[tuple[object, Node], ...],
           texts: Mapping[str, str | None], issues: list[Issue]) -> dict[str, str]:
    what = f"translations.{language}"
    pairs: dict[str, str] = {}
    for key_node, value in items:
        source = getattr(key_node, "text", "").strip()
        loc: Loc = getattr(key_node, "loc", Loc())
        target = collect(name(what), value, issues)
        if source not in texts:
            issues.append(Issue(loc, f"{what}: {source!r} is not a text of this script",
                                choices_hint(source, texts, "its texts")))
            continue
        if target is None:
            continue
        phrase = texts[source]
        if phrase is not None and _placeholders(target) != _placeholders(source):
            shown = ", ".join(f"{{{p}}}" for p in sorted(_placeholders(source))) or "none"
            issues.append(Issue(value.loc, f"{what}: the translation of the {phrase} "
                                           "phrase must use the same placeholders as it",
                                f"placeholders of {source!r}: {shown}"))
            continue
        pairs[source] = target
    return pairs


def _placeholders(template: str) -> set[str]:
    try:
        return set(placeholders_in(template))
    except ValueError:
        return {"{"}
