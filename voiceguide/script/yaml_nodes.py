"""Safe YAML loading into a small tree of located nodes.

The parser needs each value's position for its messages and must never build objects
from tags, so the text is only *composed* (PyYAML's SafeLoader, no construction) and
then copied into plain ``Scalar``/``Seq``/``Map`` nodes with 1-based positions. Before the
copy, the expanded size is counted over the shared alias graph (each distinct node once),
so a "billion laughs" document is refused without being expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from voiceguide.inputs import MAX_SCRIPT_BYTES
from voiceguide.problems import Loc, Problem

MAX_BYTES = MAX_SCRIPT_BYTES

MAX_NODES = 100_000
"""Most values a document may expand to, counting every alias use again."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings accepted (a script needs about eight), counted
through aliases: an alias nests its anchor's value where it is used."""

MAX_NUMBER_CHARS = 32
"""Longest scalar resolved as a number: every number a script needs is far shorter, and
a longer one (a 400-digit int, thousands of hex or base-60 digits) costs time to build
and cannot become a float or be printed in a message."""

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCTOR = SafeConstructor()


class _PyLoader(yaml.SafeLoader):
    """Pure-Python SafeLoader that refuses deep nesting while composing, before PyYAML's
    recursion (and its quadratic scanning of nested flow collections) gets costly. Used
    only where PyYAML was built without libyaml."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"lists and mappings are nested more than {MAX_DEPTH} deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


@dataclass(frozen=True)
class Scalar:
    """A plain value: ``value`` as YAML reads it (text, int, float, bool, None) and
    ``text`` exactly as written (so ``5.50`` or ``1:30`` can be kept as spoken text)."""

    value: str | int | float | bool | None
    text: str
    loc: Loc


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]
    loc: Loc


@dataclass(frozen=True)
class Map:
    """A mapping with its keys in file order; duplicate keys were already reported.
    ``flow`` marks ``{a: 1, b: 2}`` style, where a comma in unquoted text starts a new key."""

    items: tuple[tuple[Scalar, Node], ...]
    loc: Loc
    flow: bool = False

    def get(self, key: str) -> Node | None:
        return next((v for k, v in self.items if k.value == key), None)

    def key_node(self, key: str) -> Scalar | None:
        return next((k for k, _ in self.items if k.value == key), None)


@dataclass(frozen=True)
class Broken:
    """Stands in for a value whose problem was already reported (e.g. a refused tag),
    so later checks stay quiet about it instead of repeating the error."""

    loc: Loc


Node = Scalar | Seq | Map | Broken


@dataclass
class _Walk:
    """Copies a composed PyYAML graph into located nodes, collecting problems."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    open: set[int] = field(default_factory=set)
    """Containers being copied: meeting one again means an alias cycle."""
    done: dict[int, Node] = field(default_factory=dict)
    """Nodes already copied, by composed node: an alias is resolved (and its problems
    reported) once, however often it is used."""

    def error(self, loc: Loc, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, loc, "error", message, hint))

    def node(self, node: yaml.Node) -> Node:
        copied = self.done.get(id(node))
        if copied is None:
            copied = self.done[id(node)] = self.copy(node)
        return copied

    def copy(self, node: yaml.Node) -> Node:
        loc = mark_loc(node.start_mark)
        if id(node) in self.open:
            self.error(loc, "an alias refers to a value that contains it (endless nesting)")
            return Broken(loc)
        if isinstance(node, ScalarNode):
            return self.scalar(node, loc)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == f"{_STD}seq":
                return Seq(tuple(self.node(item) for item in node.value), loc)
            if isinstance(node, MappingNode) and node.tag == f"{_STD}map":
                return self.mapping(node, loc)
            return self.refuse_tag(node, loc)
        finally:
            self.open.discard(id(node))

    def refuse_tag(self, node: yaml.Node, loc: Loc) -> Broken:
        shown = node.tag.replace(_STD, "!!")
        self.error(loc, f"tag {shown} is not allowed: scripts hold plain values only",
                   "remove the tag")
        return Broken(loc)

    def scalar(self, node: ScalarNode, loc: Loc) -> Node:
        if node.tag not in _SCALAR_TAGS:
            return self.refuse_tag(node, loc)
        if node.tag in (f"{_STD}str", f"{_STD}timestamp"):
            return self.text(node.value, loc)
        if len(node.value) > MAX_NUMBER_CHARS and node.tag in (f"{_STD}int", f"{_STD}float"):
            self.error(loc, f"{node.value[:12]}... is too long for a number "
                            f"(more than {MAX_NUMBER_CHARS} characters)",
                       "no field takes a number this large")
            return Broken(loc)
        try:
            value = _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
        except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
            self.error(loc, f"{node.value!r} is not a valid {node.tag.replace(_STD, '')}")
            return Broken(loc)
        return Scalar(value, node.value, loc)

    def text(self, value: str, loc: Loc) -> Node:
        """Text with UTF-16 surrogate pairs (``"\\ud83d\\udcaa"``, as JSON writes 💪)
        joined into their character; a lone surrogate is no character and is refused."""
        if not _SURROGATE.search(value):
            return Scalar(value, value, loc)
        joined = _SURROGATE_PAIR.sub(_join_pair, value)
        lone = _SURROGATE.search(joined)
        if lone:
            self.error(loc, f"text has a lone UTF-16 surrogate \\u{ord(lone[0]):04x}, "
                            "which is not a character",
                       "write the character itself, or a \\U escape of 8 hex digits")
            return Broken(loc)
        return Scalar(joined, joined, loc)

    def mapping(self, node: MappingNode, loc: Loc) -> Map:
        items: dict[object, tuple[Scalar, Node]] = {}
        merged: list[tuple[Scalar, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == f"{_STD}merge":
                merged.extend(self.merge(value_node))
                continue
            key = self.node(key_node)
            value = self.node(value_node)
            if isinstance(key, Broken):
                continue
            if not isinstance(key, Scalar):
                self.error(key.loc, "a key must be a plain value, not a list or mapping")
                continue
            if _hashable(key.value) in items:
                first = items[_hashable(key.value)][0].loc
                self.error(key.loc, f"duplicate key {key.text!r} (first at line {first.line})")
                continue
            items[_hashable(key.value)] = (key, value)
        for key, value in merged:
            items.setdefault(_hashable(key.value), (key, value))
        return Map(tuple(items.values()), loc, bool(node.flow_style))

    def merge(self, node: yaml.Node) -> list[tuple[Scalar, Node]]:
        """Items of ``<<: *anchor`` (or a list of anchors; earlier ones win)."""
        sources = self.node(node)
        maps = sources.items if isinstance(sources, Seq) else (sources,)
        items: list[tuple[Scalar, Node]] = []
        for source in maps:
            if isinstance(source, Map):
                items.extend(source.items)
            elif not isinstance(source, Broken):
                self.error(source.loc, "<< merges mappings only")
        return items


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _join_pair(pair: re.Match[str]) -> str:
    return pair[0].encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _hashable(value: object) -> object:
    """A dict key that keeps 1, 1.0 and true apart, as YAML does."""
    return (type(value).__name__, value)


def expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded, counted on the
    composed graph where an alias is the anchored node itself (each node visited once)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if isinstance(node, ScalarNode) or id(node) in open_nodes:
            return 1
        open_nodes.add(id(node))
        children = (node.value if isinstance(node, SequenceNode)
                    else [part for pair in node.value for part in pair])
        sizes[id(node)] = 1 + sum(size(child) for child in children)
        open_nodes.discard(id(node))
        return sizes[id(node)]

    return size(root)


def mark_loc(mark: yaml.Mark | None) -> Loc:
    """PyYAML marks are 0-based; problems are 1-based."""
    return Loc(mark.line + 1, mark.column + 1) if mark else Loc()


def _index_loc(text: str, index: int) -> Loc:
    before = text[:index]
    return Loc(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def _syntax_problem(path: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        return Problem(path, _index_loc(text, exc.position), "error",
                       f"character {chr(exc.character)!r} is not allowed in YAML",
                       "remove control characters from the file")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(path, Loc(), "error", f"invalid YAML: {exc}")
    mark = exc.problem_mark or exc.context_mark
    if exc.context and exc.context.startswith("expected a single document"):
        return Problem(path, mark_loc(mark), "error",
                       "a script holds one YAML document; found a second one",
                       "remove the '---' line or split the file")
    hint = None
    if exc.context:
        where = f" at line {exc.context_mark.line + 1}" if exc.context_mark else ""
        hint = f"{exc.context}{where}"
    return Problem(path, mark_loc(mark), "error", f"invalid YAML: {exc.problem}", hint)


def _compose(text: str) -> yaml.Node | None:
    """The composed graph, by libyaml when PyYAML has it (about four times faster).

    libyaml stops at 1,000 levels of nesting itself, so its C recursion is bounded;
    the tighter ``MAX_DEPTH`` is checked on the result, through aliases, before any
    other Python recursion.
    A syntax error is composed again by the pure-Python loader, whose messages and
    positions are the clearer ones.
    """
    if not yaml.__with_libyaml__:
        composed = _PyLoader(text).get_single_node()
    else:
        try:
            composed = yaml.CSafeLoader(text).get_single_node()
        except yaml.YAMLError:
            return _PyLoader(text).get_single_node()
    too_deep = None if composed is None else _first_too_deep(composed)
    if too_deep is not None:
        raise yaml.composer.ComposerError(
            None, None, f"lists and mappings are nested more than {MAX_DEPTH} deep",
            too_deep.start_mark)
    return composed


def _first_too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first container nested deeper than ``MAX_DEPTH``, counting an alias as its
    anchor's whole value nested where the alias stands.

    Each node's height (its deepest nesting) is worked out once and reused at every
    alias, so this is linear in the composed graph; the recursion stops at
    ``MAX_DEPTH``, so it stays shallow whatever the document holds.
    """
    heights: dict[int, int] = {}
    open_nodes: set[int] = set()

    def visit(node: yaml.Node, depth: int) -> yaml.Node | None:
        """``node`` at ``depth`` if it or anything in it is too deep; records its height."""
        if isinstance(node, ScalarNode) or id(node) in open_nodes:
            return None  # a cycle is reported when the nodes are copied
        known = heights.get(id(node))
        if known is not None:
            return node if depth + known - 1 > MAX_DEPTH else None
        if depth > MAX_DEPTH:
            return node
        open_nodes.add(id(node))
        children = (node.value if isinstance(node, SequenceNode)
                    else [part for pair in node.value for part in pair])
        for child in children:
            found = visit(child, depth + 1)
            if found is not None:
                return found
        open_nodes.discard(id(node))
        heights[id(node)] = 1 + max((heights.get(id(child), 0) for child in children),
                                    default=0)
        return None

    return visit(root, 1)


def load_nodes(text: str, path: str) -> tuple[Node | None, list[Problem]]:
    """Compose ``text`` safely and copy it to located nodes; None when it can't be read.

    Problems cover syntax errors, a second document, refused tags, duplicate keys and
    documents too large (more than 1 MiB, or expanding past ``MAX_NODES`` values).
    """
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_BYTES:
        return None, [Problem(path, Loc(), "error", "the script is larger than 1 MiB")]
    undecoded = _SURROGATE.search(text)
    if undecoded:  # only text from the command line can hold one (bytes not UTF-8)
        return None, [Problem(path, _index_loc(text, undecoded.start()), "error",
                              "this is not UTF-8 text", "give the value as UTF-8")]
    try:
        composed = _compose(text)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(path, text, exc)]
    if composed is None:
        return None, [Problem(path, Loc(), "error", "the script is empty",
                              "start with 'workout: <title>' and a list of 'blocks:'")]
    if expanded_size(composed) > MAX_NODES:
        return None, [Problem(path, Loc(), "error",
                              f"the document expands to more than {MAX_NODES:,} values "
                              "(counting every use of an alias); refusing to expand it",
                              "use fewer nested anchors and aliases")]
    walk = _Walk(path)
    root = walk.node(composed)
    return root, walk.problems
