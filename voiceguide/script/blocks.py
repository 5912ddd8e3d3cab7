"""Blocks of a script: the per-kind field table, cues, warm-up moves and cross-field checks.

``FIELDS`` is the one table of what each block kind accepts and how each value is
converted; blocks, ``defaults:``, progression changes and command-line overrides all
go through it, so a field is checked the same way wherever it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
    Invalid,
    Issue,
    Key,
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
    spoken,
    tempo,
    whole,
)
from voiceguide.script.yaml_nodes import Map, Node, Scalar
from voiceguide.timefmt import script_duration

NAMED_KINDS = ("warmup", "exercise", "hold", "march")
"""Kinds whose key holds the block's name; a block has exactly one of them."""
KINDS = (*NAMED_KINDS, "rest", "say")
"""Every block kind. ``rest`` and ``say`` are also fields of other kinds, so they only
make the kind when no named kind key is present (``rest`` before ``say``)."""


def _keyed_cues(what: str, key: Callable[[Node], int]
                ) -> Callable[[Node], tuple[tuple[int, Spoken], ...]]:
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
        raise Invalid.at(node, f"cues.every.interval: {script_duration(ms)} is too short; "
                               f"it must be at least {script_duration(MIN_EVERY_MS)}",
                         "a cue takes about a second to say")
    return ms


_INTERVAL = Key("interval", _every_interval)
_EVERY_SAY = Key("say", spoken("cues.every.say"))


def _every(node: Node) -> Every:
    values = convert_fields(node, (_INTERVAL, _EVERY_SAY), "cues.every",
                            required=(_INTERVAL, _EVERY_SAY))
    return Every(interval_ms=values[_INTERVAL], say=values[_EVERY_SAY])


_START = Key("start", spoken("cues.start"))
_REPS_CUES = Key("reps", _keyed_cues("cues.reps", whole("cue rep", 1, 100)))
_HALFWAY = Key("halfway", spoken("cues.halfway"))
_LAST = Key("last", spoken("cues.last"))
_EVERY = Key("every", _every)
_AT = Key("at", _keyed_cues("cues.at", lambda node: parse_duration_ms(node, "cue time")))


def _cues(*keys: Key[object]) -> Callable[[Node], Cues]:
    """The ``cues:`` of a kind that accepts ``keys``; the others stay empty."""

    def convert(node: Node) -> Cues:
        values = convert_fields(node, keys, "cues")
        return Cues(start=values.get(_START), reps=values.get(_REPS_CUES, ()),
                    halfway=values.get(_HALFWAY), last=values.get(_LAST),
                    every=values.get(_EVERY), at=values.get(_AT, ()))

    return convert


_MOVE_NAME = Key("name", name("move name"))
_MOVE_TIME = Key("time", duration("time"))
_SIDES = Key("sides", boolean("sides"))
_MOVE_SAY = Key("say", spoken("say"))


def _move(node: Node) -> Move:
    values = convert_fields(node, (_MOVE_NAME, _MOVE_TIME, _SIDES, _MOVE_SAY), "move",
                            required=(_MOVE_NAME, _MOVE_TIME))
    return Move(name=values[_MOVE_NAME], time_ms=values[_MOVE_TIME],
                sides=values.get(_SIDES, False), say=values.get(_MOVE_SAY), loc=node.loc)


def _moves(node: Node) -> tuple[Move, ...]:
    return convert_list(node, _move, "moves")


def _table(*keys: Key[object]) -> dict[str, Key[object]]:
    return {key.name: key for key in keys}


_COUNTDOWN = Key("countdown", countdown, "countdown_s")
_TALK = Key("talk", choice("talk", TALK_LEVELS))
_SET_FIELDS = (
    Key("sets", whole("sets", 1, 20)),
    Key("rest", duration("rest", zero_ok=True), "rest_ms"),
    Key("rest_after", duration("rest_after", zero_ok=True), "rest_after_ms"),
    Key("setup", spoken("setup")),
    Key("setup_again", spoken("setup_again")),
    Key("setup_time", duration("setup_time", zero_ok=True), "setup_time_ms"),
    _COUNTDOWN,
    Key("count", boolean("count")),
    Key("say", spoken("say")),
    _TALK,
)
_REPS = Key("reps", whole("reps", 1, 100))
_REP_CUES = Key("cues", _cues(_START, _REPS_CUES, _HALFWAY, _LAST))

FIELDS: dict[str, dict[str, Key[object]]] = {
    "warmup": _table(Key("moves", _moves), _COUNTDOWN,
                     Key("transition", duration("transition", zero_ok=True), "transition_ms"),
                     _TALK),
    "exercise": _table(*_SET_FIELDS, _REPS, Key("tempo", tempo),
                       Key("tempo_words", choice("tempo_words", TEMPO_WORDS)),
                       Key("weight", name("weight")), _REP_CUES),
    "hold": _table(*_SET_FIELDS, Key("time", duration("time"), "time_ms"),
                   Key("cues", _cues(_START, _HALFWAY, _EVERY, _AT))),
    "march": _table(*_SET_FIELDS, _REPS, Key("step", duration("step"), "step_ms"),
                    Key("first", choice("first", ("left", "right"))), _REP_CUES),
    "rest": _table(Key("say", spoken("say")), _TALK),
    "say": {},
}
"""Per kind: script key -> its converter and model field (the kind key itself excluded)."""

DEFAULT_KEYS = ("rest", "tempo", "countdown", "count", "transition", "talk", "tempo_words")
"""Keys of ``defaults:``; each applies to every kind that has that field."""

_KIND_VALUE: dict[str, Key[object]] = {
    **{kind: Key(kind, name(kind), "name") for kind in NAMED_KINDS},
    "rest": Key("rest", duration("rest", zero_ok=True), "time_ms"),
    "say": Key("say", spoken("say"), "text"),
}
"""Per kind: the kind key's converter and the model field its value fills."""
_MODELS: dict[str, Callable[..., Block]] = {
    "warmup": Warmup, "exercise": Exercise, "hold": Hold, "march": March, "rest": Rest,
    "say": Say,
}
"""Per kind: the model, built from fields chosen by name (typed by ``FIELDS``)."""


def block_kind(node: Map) -> tuple[str, Scalar] | None:
    """The kind of a block item and its key node; None when it has no kind key.

    Raises Invalid when it has two named kinds (``exercise`` and ``hold``)."""
    present = [key for key, _ in node.items if key.value in KINDS]
    named = [key for key in present if key.value in NAMED_KINDS]
    if len(named) > 1:
        both = " and ".join(str(key.value) for key in named)
        raise Invalid.at(named[1], f"block: has two kinds, {both}",
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


def convert_block(node: Node, defaults: Mapping[str, Any]) -> Block:
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
    value = collect(_KIND_VALUE[kind].convert, value_node, issues)
    rest = Map(tuple(item for item in given.items if item[0] is not kind_key), given.loc)
    fields = collect(lambda n: convert_fields(n, FIELDS[kind].values(), kind), rest, issues)
    if kind == "warmup" and given.get("moves") is None:
        issues.append(Issue(given.loc, "warmup: 'moves' is missing"))
    if issues or value is None or fields is None:
        raise Invalid(issues)
    own = {key.attr for key in FIELDS[kind].values()}
    applied = {attr: v for attr, v in defaults.items() if attr in own}
    block = _MODELS[kind](**{_KIND_VALUE[kind].attr: value}, loc=given.loc,
                          **{**applied, **fields.attrs()})
    conflicts = block_conflicts(block)
    if any(issue.level == "error" for issue in conflicts):
        raise Invalid(conflicts)
    return block


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
        length = script_duration(block.time_ms)
        issues += [Issue(say.loc, f"cues.at: {script_duration(at)} is not within the "
                                  f"{length} hold of {block.name}")
                   for at, say in cues.at if not 0 < at < block.time_ms]
        if cues.every and cues.every.interval_ms >= block.time_ms:
            issues.append(Issue(cues.every.say.loc,
                                f"cues.every: the interval is not shorter than the {length} "
                                f"hold of {block.name}, so this cue never plays",
                                level="warning"))
    return issues
