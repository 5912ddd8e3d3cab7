"""Blocks of a script: the per-kind field table, cues, warm-up moves and cross-field checks.

``FIELDS`` is the one table of what each block kind accepts and how each value is
converted; blocks, ``defaults:``, progression changes and command-line overrides all
go through it, so a field is checked the same way wherever it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from voiceguide.script.model import (
    TALK_LEVELS,
    TEMPO_WORDS,
    Block,
    Cues,
    Every,
    Exercise,
    Hold,
    March,
    Move,
    Rest,
    Say,
    SetFields,
    Spoken,
    Warmup,
)
from voiceguide.script.values import (
    Converter,
    Invalid,
    Issue,
    boolean,
    choice,
    collect,
    comma_hint,
    convert_fields,
    convert_list,
    countdown,
    duration,
    mapping,
    name,
    parse_duration_ms,
    seconds_text,
    spoken,
    tempo,
    whole,
)
from voiceguide.script.yaml_nodes import Map, Node, Scalar

NAMED_KINDS = ("warmup", "exercise", "hold", "march")
"""Kinds whose key holds the block's name; a block has exactly one of them."""
KINDS = (*NAMED_KINDS, "rest", "say")
"""Every block kind. ``rest`` and ``say`` are also fields of other kinds, so they only
make the kind when no named kind key is present (``rest`` before ``say``)."""


@dataclass(frozen=True)
class Field:
    """How one script key of a block becomes one model field."""

    attr: str
    convert: Converter


def _keyed_cues(what: str, key: Callable[[Node], int]) -> Converter:
    """``{key: text}`` cues, sorted by key; two cues on the same key are an error."""

    def convert(node: Node) -> tuple[tuple[int, Spoken], ...]:
        given = mapping(node, what)
        issues: list[Issue] = []
        seen: dict[int, Scalar] = {}
        pairs: list[tuple[int, Spoken]] = []
        for key_node, value in given.items:
            hint = comma_hint(given, value)
            if hint:
                issues.append(Issue(key_node.loc, f"{what}: {key_node.text!r} has no text",
                                    hint))
                continue
            at = collect(key, key_node, issues)
            say = collect(spoken(what), value, issues)
            if at is not None and at in seen:
                issues.append(Issue(key_node.loc, f"{what}: two cues at {key_node.text} "
                                                  f"(other at line {seen[at].loc.line})"))
            elif at is not None and say is not None:
                seen[at] = key_node
                pairs.append((at, say))
        if issues:
            raise Invalid(issues)
        return tuple(sorted(pairs, key=lambda pair: pair[0]))

    return convert


MIN_EVERY_MS = 2_000
"""Shortest ``cues.every`` interval: a spoken cue takes about a second, so a shorter
one could never be said each time, and would only multiply work (an hour at 0.001 s
asked for 3.6 million cues)."""


def _every_interval(node: Node) -> int:
    ms = duration("cues.every.interval")(node)
    if ms < MIN_EVERY_MS:
        raise Invalid.at(node, f"cues.every.interval: {seconds_text(ms)} is too short; "
                               f"it must be at least {seconds_text(MIN_EVERY_MS)}",
                         "a cue takes about a second to say")
    return ms


def _every(node: Node) -> Every:
    values = convert_fields(node, {"interval": _every_interval,
                                   "say": spoken("cues.every.say")},
                            "cues.every", required=("interval", "say"))
    return Every(interval_ms=values["interval"], say=values["say"])  # type: ignore[arg-type]


_REP_CUES = {
    "start": spoken("cues.start"),
    "reps": _keyed_cues("cues.reps", whole("cue rep", 1, 100)),
    "halfway": spoken("cues.halfway"),
    "last": spoken("cues.last"),
}
_HOLD_CUES = {
    "start": spoken("cues.start"),
    "halfway": spoken("cues.halfway"),
    "every": _every,
    "at": _keyed_cues("cues.at", lambda node: parse_duration_ms(node, "cue time")),
}


def _cues(fields: Mapping[str, Converter]) -> Converter:
    def convert(node: Node) -> Cues:
        return Cues(**convert_fields(node, fields, "cues"))  # type: ignore[arg-type]

    return convert


def _move(node: Node) -> Move:
    values = convert_fields(node, {"name": name("move name"), "time": duration("time"),
                                   "sides": boolean("sides"), "say": spoken("say")},
                            "move", required=("name", "time"))
    return Move(name=values.pop("name"), time_ms=values.pop("time"),  # type: ignore[arg-type]
                loc=node.loc, **values)  # type: ignore[arg-type]


def _moves(node: Node) -> tuple[Move, ...]:
    return convert_list(node, _move, "moves")


_SET_FIELDS = {
    "sets": Field("sets", whole("sets", 1, 20)),
    "rest": Field("rest_ms", duration("rest", zero_ok=True)),
    "rest_after": Field("rest_after_ms", duration("rest_after", zero_ok=True)),
    "setup": Field("setup", spoken("setup")),
    "setup_again": Field("setup_again", spoken("setup_again")),
    "setup_time": Field("setup_time_ms", duration("setup_time", zero_ok=True)),
    "countdown": Field("countdown_s", countdown),
    "count": Field("count", boolean("count")),
    "say": Field("say", spoken("say")),
    "talk": Field("talk", choice("talk", TALK_LEVELS)),
}
_REPS = Field("reps", whole("reps", 1, 100))

FIELDS: dict[str, dict[str, Field]] = {
    "warmup": {
        "moves": Field("moves", _moves),
        "countdown": _SET_FIELDS["countdown"],
        "transition": Field("transition_ms", duration("transition", zero_ok=True)),
        "talk": _SET_FIELDS["talk"],
    },
    "exercise": {**_SET_FIELDS, "reps": _REPS, "tempo": Field("tempo", tempo),
                 "tempo_words": Field("tempo_words", choice("tempo_words", TEMPO_WORDS)),
                 "weight": Field("weight", name("weight")),
                 "cues": Field("cues", _cues(_REP_CUES))},
    "hold": {**_SET_FIELDS, "time": Field("time_ms", duration("time")),
             "cues": Field("cues", _cues(_HOLD_CUES))},
    "march": {**_SET_FIELDS, "reps": _REPS, "step": Field("step_ms", duration("step")),
              "first": Field("first", choice("first", ("left", "right"))),
              "cues": Field("cues", _cues(_REP_CUES))},
    "rest": {"say": Field("say", spoken("say")), "talk": _SET_FIELDS["talk"]},
    "say": {},
}
"""Per kind: script key -> model field and converter (the kind key itself excluded)."""

DEFAULT_KEYS = ("rest", "tempo", "countdown", "count", "transition", "talk", "tempo_words")
"""Keys of ``defaults:``; each applies to every kind that has that field."""

_KIND_VALUE: dict[str, Converter] = {
    **{kind: name(kind) for kind in NAMED_KINDS},
    "rest": duration("rest", zero_ok=True),
    "say": spoken("say"),
}
_MODELS: dict[str, Callable[..., Block]] = {
    "warmup": Warmup, "exercise": Exercise, "hold": Hold, "march": March,
}


def block_kind(node: Map) -> tuple[str, Scalar] | None:
    """The kind of a block item and its key node; None when it has no kind key.

    Raises Invalid when it has two named kinds (``exercise`` and ``hold``)."""
    present = [key for key, _ in node.items if key.value in KINDS]
    named = [key for key in present if key.value in NAMED_KINDS]
    if len(named) > 1:
        kinds = " and ".join(str(key.value) for key in named)
        raise Invalid.at(named[1], f"block: has two kinds, {kinds}",
                         "each '- ' item of blocks is one block")
    for kinds in (NAMED_KINDS, ("rest",), ("say",)):
        found = next((key for key in present if key.value in kinds), None)
        if found is not None:
            return str(found.value), found
    return None


def block_name(node: Node) -> tuple[str, str] | None:
    """(kind, name) of a named block item as written, or None; for progression's
    references, so they are checked even when the block itself has errors."""
    if not isinstance(node, Map):
        return None
    try:
        found = block_kind(node)
    except Invalid:
        return None
    if found is None or found[0] not in NAMED_KINDS:
        return None
    value = node.get(found[0])
    try:
        return found[0], name(found[0])(value) if value is not None else ""
    except Invalid:
        return None


def convert_block(node: Node, defaults: Mapping[str, object]) -> Block:
    """One item of ``blocks``, with ``defaults`` (model field -> value) filled in."""
    given = mapping(node, "block")
    found = block_kind(given)
    if found is None:
        keys = [key.text for key, _ in given.items]
        raise Invalid.at(given, "block: has no kind key; expected one of " + ", ".join(KINDS),
                         f"found keys: {', '.join(keys)}" if keys else None)
    kind, kind_key = found
    issues: list[Issue] = []
    value_node = next(value for key, value in given.items if key is kind_key)
    value = collect(_KIND_VALUE[kind], value_node, issues)
    rest = Map(tuple(item for item in given.items if item[0] is not kind_key), given.loc)
    table = FIELDS[kind]
    fields = collect(lambda n: convert_fields(n, {k: f.convert for k, f in table.items()},
                                              kind), rest, issues)
    if kind == "warmup" and given.get("moves") is None:
        issues.append(Issue(given.loc, "warmup: 'moves' is missing"))
    if issues or value is None or fields is None:
        raise Invalid(issues)
    attrs = {table[key].attr: converted for key, converted in fields.items()}
    block = _build(kind, value, attrs, defaults, given)
    conflicts = block_conflicts(block)
    if any(issue.level == "error" for issue in conflicts):
        raise Invalid(conflicts)
    return block


def _build(kind: str, value: object, attrs: dict[str, object],
           defaults: Mapping[str, object], node: Map) -> Block:
    if kind == "say":
        return Say(text=value, loc=node.loc)  # type: ignore[arg-type]
    own = {f.attr for f in FIELDS[kind].values()}
    applied = {attr: v for attr, v in defaults.items() if attr in own}
    if kind == "rest":
        return Rest(time_ms=value, loc=node.loc, **{**applied, **attrs})  # type: ignore[arg-type]
    return _MODELS[kind](name=value, loc=node.loc, **{**applied, **attrs})


def block_conflicts(block: Block) -> list[Issue]:
    """Checks across fields: cue reps within 1..reps, ``at`` times inside the hold,
    an ``every`` cue that can play at all. Located at the cue text."""
    if not isinstance(block, SetFields):
        return []
    cues = block.cues
    issues = []
    if isinstance(block, (Exercise, March)):
        issues += [Issue(say.loc, f"cues.reps: rep {rep} is beyond the {block.reps} reps "
                                  f"of {block.name}")
                   for rep, say in cues.reps if rep > block.reps]
    if isinstance(block, Hold):
        length = seconds_text(block.time_ms)
        issues += [Issue(say.loc, f"cues.at: {seconds_text(at)} is not within the "
                                  f"{length} hold of {block.name}")
                   for at, say in cues.at if not 0 < at < block.time_ms]
        if cues.every and cues.every.interval_ms >= block.time_ms:
            issues.append(Issue(cues.every.say.loc,
                                f"cues.every: the interval is not shorter than the {length} "
                                f"hold of {block.name}, so this cue never plays",
                                level="warning"))
    return issues
