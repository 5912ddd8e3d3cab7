"""Converters from located YAML nodes to model values, with the format's ranges.

Each converter takes a node and returns the value or raises ``Invalid`` carrying every
issue found (located at the offending node), so the parser can report all of them at
once. Script fields, progression changes and command-line overrides share these.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast, overload

from voiceguide.problems import Level, Loc
from voiceguide.script.model import Spoken, Tempo
from voiceguide.script.yaml_nodes import Broken, Map, Node, Scalar, Seq

T = TypeVar("T")
D = TypeVar("D")
T_co = TypeVar("T_co", covariant=True)

MAX_DURATION_MS = 3_600_000
MAX_SPOKEN_CHARS = 500
MAX_PHASE_MS = 10_000
DURATION_EXAMPLES = "seconds like 45 or 2.5, or text like 45s, 2m, 1m30s"

_NUMBER = r"\d+(?:\.\d+)?"
_DURATION_RE = re.compile(
    rf"(?:(?P<h>{_NUMBER})\s*h)?\s*(?:(?P<m>{_NUMBER})\s*m)?\s*(?:(?P<s>{_NUMBER})\s*s)?")
_TEMPO_RE = re.compile(rf"{_NUMBER}(?:\s*-\s*{_NUMBER}){{2,3}}")


@dataclass(frozen=True)
class Issue:
    """A problem found in a value, not yet tied to a file."""

    loc: Loc
    message: str
    hint: str | None = None
    level: Level = "error"


REPORTED = Issue(Loc(), "already reported")
"""Placeholder ``collect`` adds for a failure whose problem was reported before (a
refused tag), so ``if issues: raise Invalid(issues)`` still fails; never shown."""


class Invalid(Exception):
    """A value is wrong; ``issues`` says where and why (empty: already reported)."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = tuple(issue for issue in issues if issue is not REPORTED)
        super().__init__("; ".join(i.message for i in self.issues))

    @classmethod
    def at(cls, node: Node, message: str, hint: str | None = None) -> Invalid:
        return cls([Issue(node.loc, message, hint)])


def did_you_mean(word: object, choices: Iterable[str]) -> str | None:
    """The closest choice to a misspelt ``word`` (``rset`` -> ``rest``), if any is close."""
    typed = str(word)
    close = difflib.get_close_matches(typed, list(choices), n=3, cutoff=0.6)
    swapped = [choice for choice in close if sorted(choice) == sorted(typed)]
    return next(iter(swapped or close), None)


def choices_hint(word: object, choices: Iterable[str], what: str = "choose from") -> str:
    """'did you mean X?' when one is close, else the list of choices."""
    options = list(choices)
    match = did_you_mean(word, options)
    return f"did you mean {match!r}?" if match else f"{what}: {', '.join(options)}"


COMMA_HINT = "inside { } a comma separates entries: put text that has a comma in quotes"


def comma_hint(given: Map, value: Node) -> str | None:
    """Explains the usual cause of a stray key: unquoted text with a comma in ``{...}``."""
    if given.flow and isinstance(value, Scalar) and value.value is None:
        return COMMA_HINT
    return None


def describe(node: Node) -> str:
    """What a node is, in words, for 'expected X, got Y' messages."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if isinstance(node, Scalar):
        if node.value is None:
            return "nothing"
        if isinstance(node.value, bool):
            return f"true/false ({node.text})"
        if isinstance(node.value, (int, float)):
            return f"the number {node.text}"
        shown = node.text if len(node.text) <= 40 else node.text[:37] + "..."
        return f"text {shown!r}"
    return "a bad value"


def scalar(node: Node, what: str, expected: str, *types: type) -> Scalar:
    """The node as a Scalar whose value has one of ``types`` (bool is never a number)."""
    if isinstance(node, Broken):
        raise Invalid(())
    if (isinstance(node, Scalar) and isinstance(node.value, types)
            and not (isinstance(node.value, bool) and bool not in types)):
        return node
    raise Invalid.at(node, f"{what}: expected {expected}, got {describe(node)}")


def mapping(node: Node, what: str) -> Map:
    """The node as a mapping, or the type error for ``what``."""
    if isinstance(node, Broken):
        raise Invalid(())
    if not isinstance(node, Map):
        raise Invalid.at(node, f"{what}: expected a mapping (key: value lines), "
                               f"got {describe(node)}")
    return node


def sequence(node: Node, what: str) -> Seq:
    """The node as a list, or the type error for ``what``."""
    if isinstance(node, Broken):
        raise Invalid(())
    if not isinstance(node, Seq):
        raise Invalid.at(node, f"{what}: expected a list ('- ' items), got {describe(node)}")
    return node


def parse_duration_ms(node: Node, what: str) -> int:
    """Any duration in ms, >= 0 (ranges are the caller's)."""
    expected = f"a duration ({DURATION_EXAMPLES})"
    given = scalar(node, what, expected, int, float, str)
    if isinstance(given.value, str):
        written = given.value.strip()
        match = _DURATION_RE.fullmatch(written)
        if re.fullmatch(_NUMBER, written):
            seconds = float(written)
        elif written and match:
            seconds = sum(float(match[unit] or 0) * factor
                          for unit, factor in (("h", 3600), ("m", 60), ("s", 1)))
        else:
            raise Invalid.at(node, f"{what}: expected {expected}, got {describe(node)}")
    else:
        seconds = float(given.value or 0)
    if math.isnan(seconds):
        raise Invalid.at(node, f"{what}: {given.text} is not a number")
    if seconds > MAX_DURATION_MS / 1000:
        raise Invalid.at(node, f"{what}: {given.text} is longer than the maximum of 1 hour")
    if seconds < 0:
        raise Invalid.at(node, f"{what}: {given.text} is negative")
    return round(seconds * 1000)


def duration(what: str, *, zero_ok: bool = False) -> Callable[[Node], int]:
    """Duration in ms: > 0 (or >= 0 when ``zero_ok``) and at most 1 hour."""

    def convert(node: Node) -> int:
        ms = parse_duration_ms(node, what)
        if ms == 0 and not zero_ok:
            raise Invalid.at(node, f"{what}: must be more than 0 seconds")
        return ms

    return convert


def whole(what: str, low: int, high: int) -> Callable[[Node], int]:
    """A whole number in ``low..high``, for sets, reps, weeks and words per minute."""

    def convert(node: Node) -> int:
        value = int(scalar(node, what, "a whole number", int).value or 0)
        if not low <= value <= high:
            raise Invalid.at(node, f"{what}: {value} is out of range; it must be {low}-{high}")
        return value

    return convert


def fraction(what: str) -> Callable[[Node], float]:
    """A level from 0 (silent) to 1 (full), for volumes."""

    def convert(node: Node) -> float:
        given = scalar(node, what, "a number from 0 to 1", int, float)
        value = float(given.value or 0)
        if not 0 <= value <= 1:
            raise Invalid.at(node, f"{what}: {given.text} is out of range; it must be 0-1")
        return value

    return convert


def decibels(what: str, low: float, high: float) -> Callable[[Node], float]:
    """A level in dB from ``low`` to ``high``: a number, or text such as ``-18 dB``."""

    def convert(node: Node) -> float:
        given = scalar(node, what, f"a number of dB from {low:g} to {high:g}", int, float, str)
        written = str(given.value).strip()
        number = written[:-2].strip() if written.lower().endswith("db") else written
        try:
            value = float(number)
        except ValueError:
            raise Invalid.at(node, f"{what}: expected a number of dB, got {given.text!r}",
                             f"write e.g. {low:g} or '{low:g} dB'") from None
        if not low <= value <= high:
            raise Invalid.at(node, f"{what}: {given.text} is out of range; it must be "
                                   f"{low:g} to {high:g} dB")
        return value

    return convert


def countdown(node: Node) -> int:
    """Whole seconds 0-10 spoken before a set starts (``3`` or ``3s``)."""
    ms = parse_duration_ms(node, "countdown")
    if ms % 1000 or ms > 10_000:
        written = scalar(node, "countdown", "seconds", int, float, str).text
        raise Invalid.at(node, f"countdown: {written} must be whole seconds from 0 to 10")
    return ms // 1000


def boolean(what: str) -> Callable[[Node], bool]:
    """true/false only: a number or text is far more likely a mistake than a switch."""

    def convert(node: Node) -> bool:
        return bool(scalar(node, what, "true or false", bool).value)

    return convert


def choice(what: str, options: tuple[str, ...]) -> Callable[[Node], str]:
    """One of ``options``, with a did-you-mean hint. An option YAML reads as a boolean
    (``off``, ``on``) is taken as written."""

    def convert(node: Node) -> str:
        given = scalar(node, what, f"one of {', '.join(options)}", str, bool)
        value = given.text.strip() if isinstance(given.value, bool) else str(given.value)
        if value not in options:
            raise Invalid.at(node, f"{what}: {value!r} is not one of {', '.join(options)}",
                             choices_hint(value, options))
        return value

    return convert


def text(what: str, *, limit: int | None = None) -> Callable[[Node], str]:
    """Non-blank text, trimmed; numbers are kept as written (``5.50``, ``1:30``)."""

    def convert(node: Node) -> str:
        given = scalar(node, what, "text", str, int, float)
        value = given.text.strip()
        if not value:
            raise Invalid.at(node, f"{what}: text is empty")
        if limit is not None and len(value) > limit:
            raise Invalid.at(node, f"{what}: text is {len(value)} characters long; "
                                   f"at most {limit} are allowed")
        return value

    return convert


def name(what: str) -> Callable[[Node], str]:
    """A name or title that is spoken: 1-500 characters after trimming."""
    return text(what, limit=MAX_SPOKEN_CHARS)


def spoken(what: str) -> Callable[[Node], Spoken]:
    """Text to speak, with where it was written (for the compiler's drop warnings)."""
    convert_text = name(what)

    def convert(node: Node) -> Spoken:
        return Spoken(convert_text(node), node.loc)

    return convert


def tempo(node: Node) -> Tempo:
    """``up-hold-down`` or ``up-hold-down-pause`` seconds, each 0-10, at least one > 0."""
    expected = "a tempo like 2-1-2 or 2-1-2-1 (seconds up-hold-down[-pause])"
    given = scalar(node, "tempo", expected, str)
    value = str(given.value).strip()
    if not _TEMPO_RE.fullmatch(value):
        raise Invalid.at(node, f"tempo: expected {expected}, got {describe(node)}")
    seconds = [float(part) for part in value.split("-")]  # 1e400 digits: inf, no error
    if any(phase > MAX_PHASE_MS / 1000 for phase in seconds):
        raise Invalid.at(node, f"tempo: {value}: each phase must be 0-10 seconds")
    phases = [round(phase * 1000) for phase in seconds]
    if not any(phases):
        raise Invalid.at(node, f"tempo: {value}: at least one phase must be longer than 0")
    return Tempo(*phases)


def collect(convert: Callable[[Node], T], node: Node, issues: list[Issue]) -> T | None:
    """Run a converter, adding its issues to ``issues`` instead of raising."""
    try:
        return convert(node)
    except Invalid as exc:
        issues.extend(exc.issues or (REPORTED,))
        return None


@dataclass(frozen=True)
class Key(Generic[T_co]):
    """A key of a mapping as the script writes it, with the converter of its value and
    the model field it fills (``rest`` fills ``rest_ms``; empty: the key's own name)."""

    name: str
    convert: Callable[[Node], T_co]
    field: str = ""

    @property
    def attr(self) -> str:
        return self.field or self.name


class Fields:
    """The converted values of one mapping, read back by the key that converted them, so
    each comes out with its converter's type."""

    def __init__(self, values: dict[Key[object], object]) -> None:
        self._values = values

    @overload
    def get(self, key: Key[T]) -> T | None: ...
    @overload
    def get(self, key: Key[T], default: D) -> T | D: ...

    def get(self, key: Key[T], default: object = None) -> object:
        return self._values.get(key, default)

    def __getitem__(self, key: Key[T]) -> T:
        """A required key's value (``convert_fields`` fails when one is missing)."""
        return cast(T, self._values[key])

    def attrs(self) -> dict[str, Any]:
        """Model field -> value, for a model chosen at run time (a block of some kind, a
        week's changes); each value has the type its key's converter gives that field."""
        return {key.attr: value for key, value in self._values.items()}

    def __bool__(self) -> bool:
        return bool(self._values)


def convert_fields(node: Node, keys: Iterable[Key[object]], what: str, *,
                   required: Iterable[Key[object]] = ()) -> Fields:
    """Convert every key of a mapping with its converter, reporting all issues at once:
    unknown keys (with a did-you-mean), missing required keys, bad values."""
    given = mapping(node, what)
    table = {key.name: key for key in keys}
    issues: list[Issue] = []
    values: dict[Key[object], object] = {}
    for key_node, value in given.items:
        key = table.get(key_node.value) if isinstance(key_node.value, str) else None
        if key is None:
            hint = comma_hint(given, value) or (
                choices_hint(key_node.text, table, "known keys") if table
                else "no other keys are allowed here")
            issues.append(Issue(key_node.loc, f"{what}: unknown key {key_node.text!r}", hint))
            continue
        result = collect(key.convert, value, issues)
        if result is not None:
            values[key] = result
    for key in required:
        if given.get(key.name) is None:
            issues.append(Issue(given.loc, f"{what}: {key.name!r} is missing"))
    if issues:
        raise Invalid(issues)
    return Fields(values)


def convert_list(node: Node, convert: Callable[[Node], T], what: str) -> tuple[T, ...]:
    """A non-empty list, every item converted, every item's issues reported."""
    given = sequence(node, what)
    if not given.items:
        raise Invalid.at(node, f"{what}: the list is empty")
    issues: list[Issue] = []
    items = [collect(convert, item, issues) for item in given.items]
    if issues:
        raise Invalid(issues)
    return tuple(item for item in items if item is not None)
