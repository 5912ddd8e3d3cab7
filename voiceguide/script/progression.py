"""``progression:``: week-by-week changes to named blocks, checked like the blocks themselves.

Changes use the blocks' own field table, so ``reps: 12`` in week 3 is converted and
range-checked exactly as ``reps: 12`` in the block; they are stored under model field
names so applying a week is ``with_fields``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from voiceguide.script.blocks import FIELDS, block_conflicts, block_name
from voiceguide.script.model import (
    MAX_WEEK,
    Block,
    FieldValues,
    ProgressionEntry,
    SetFields,
    Warmup,
    with_fields,
)
from voiceguide.script.values import (
    Invalid,
    Issue,
    Key,
    choices_hint,
    collect,
    convert_fields,
    mapping,
    sequence,
    spoken,
    whole,
)
from voiceguide.script.yaml_nodes import Map, Node, Seq

Changes = tuple[tuple[str, FieldValues], ...]


def _changes(names: Mapping[str, list[str]]) -> Callable[[Node], Changes]:
    """Converter of ``set:``: block name -> {field: value}, fields allowed for its kind."""

    def convert(node: Node) -> Changes:
        given = mapping(node, "set")
        issues: list[Issue] = []
        changes = []
        for key, value in given.items:
            block = key.text.strip()
            kinds = names.get(block)
            if kinds is None:
                issues.append(Issue(key.loc, f"set: no block is named {block!r}",
                                    choices_hint(block, names, "named blocks")))
                continue
            allowed = [key for name, key in FIELDS[kinds[0]].items()
                       if all(name in FIELDS[kind] for kind in kinds)]
            fields = collect(partial(convert_fields, keys=allowed, what=f"set.{block}"),
                             value, issues)
            if fields is not None:
                changes.append((block, tuple(fields.attrs().items())))
        if issues:
            raise Invalid(issues)
        return tuple(changes)

    return convert


def _block_names(blocks: Node | None) -> dict[str, list[str]]:
    """Name -> kinds of the named blocks as written (even blocks with errors)."""
    names: dict[str, list[str]] = {}
    for item in blocks.items if isinstance(blocks, Seq) else ():
        found = block_name(item)
        if found:
            names.setdefault(found[1], []).append(found[0])
    return names


def convert_progression(node: Node, blocks: Node | None) -> tuple[ProgressionEntry, ...]:
    """The ``progression:`` list; weeks >= 1 and strictly increasing."""
    week_key = Key("week", whole("week", 1, MAX_WEEK))
    say = Key("say", spoken("say"))
    changes = Key("set", _changes(_block_names(blocks)))
    issues: list[Issue] = []
    entries: list[ProgressionEntry] = []
    items = sequence(node, "progression").items
    if not items:
        raise Invalid.at(node, "progression: the list is empty")
    for item in items:
        values = collect(lambda n: convert_fields(n, (week_key, say, changes), "progression",
                                                  required=(week_key,)), item, issues)
        if values is None:
            continue
        week = values[week_key]
        if entries and week <= entries[-1].week:
            week_node = item.get("week") if isinstance(item, Map) else None
            issues.append(Issue((week_node or item).loc,
                                f"progression: week {week} comes after week "
                                f"{entries[-1].week}; weeks must increase"))
            continue
        entries.append(ProgressionEntry(week=week, say=values.get(say),
                                        changes=values.get(changes, ()), loc=item.loc))
    if issues:
        raise Invalid(issues)
    return tuple(entries)


def progression_conflicts(blocks: Iterable[Block],
                          entries: tuple[ProgressionEntry, ...]) -> list[Issue]:
    """Cross-field errors that only appear once weeks are applied (e.g. week 3 lowers
    ``reps`` below a rep cue), each reported once at the entry that causes it."""
    issues: list[Issue] = []
    for block in blocks:
        if not isinstance(block, (SetFields, Warmup)):
            continue
        current: Block = block
        reported: set[str] = set()
        for entry in entries:
            for name, fields in entry.changes:
                if name != block.name:
                    continue
                current = with_fields(current, fields)
                for issue in block_conflicts(current):
                    if issue.level == "error" and issue.message not in reported:
                        reported.add(issue.message)
                        issues.append(Issue(entry.loc, f"week {entry.week}: {issue.message}",
                                            f"the cue is at line {issue.loc.line}"))
    return issues
