"""Parse and validate a workout script: YAML text -> ``Script`` plus every problem found.

Stage one of the pipeline. It never raises on bad input: every problem (syntax, unknown
keys, types, ranges, references) is returned at once, located and sorted, and the
``Script`` is None when any of them is an error. Defaults are resolved here (the
script's ``defaults:``, then the format's, as in ``voiceguide.script.model``), so the compiler
never guesses.
"""

from __future__ import annotations

import dataclasses
import os
import string
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from voiceguide.errors import ScriptError
from voiceguide.inputs import MAX_SOUND_BYTES, UnreadableInput, check_limited, read_limited
from voiceguide.problems import Loc, Problem, has_errors, sorted_problems
from voiceguide.script.blocks import DEFAULT_KEYS, FIELDS, block_conflicts, convert_block
from voiceguide.script.model import (
    FORMAT_VERSIONS,
    LANGUAGES,
    MUSIC_DUCK_RANGE,
    MUSIC_VOLUME_RANGE,
    TALK_LEVELS,
    BeepSettings,
    Block,
    MusicSettings,
    ProgressionEntry,
    Script,
    VoiceSettings,
)
from voiceguide.script.phrases import PLACEHOLDERS
from voiceguide.script.progression import convert_progression, progression_conflicts
from voiceguide.script.translations import convert_translations
from voiceguide.script.values import (
    REPORTED,
    Fields,
    Invalid,
    Issue,
    Key,
    boolean,
    choice,
    choices_hint,
    collect,
    convert_fields,
    decibels,
    fraction,
    mapping,
    name,
    scalar,
    sequence,
    text,
    whole,
)
from voiceguide.script.yaml_nodes import MAX_BYTES, Map, Node, load_nodes

__all__ = ["load_script", "parse_field", "parse_script"]

T = TypeVar("T")

_DEFAULTS = tuple(next(fields[key] for fields in FIELDS.values() if key in fields)
                  for key in DEFAULT_KEYS)
"""The keys of ``defaults:``, borrowed from the block field table."""


def _defaults(node: Node) -> dict[str, Any]:
    """Model field -> value for every block kind that has the field."""
    return convert_fields(node, _DEFAULTS, "defaults").attrs()


def _format(node: Node) -> int:
    version = scalar(node, "format", "a whole number", int).value
    if version not in FORMAT_VERSIONS:
        supported = ", ".join(map(str, FORMAT_VERSIONS))
        raise Invalid.at(node, f"format: version {version} is not supported; "
                               f"supported: {supported}")
    return int(version or 0)


_RATE = Key("rate", whole("voice.rate", 80, 400))
_VOICE_VOLUME = Key("volume", fraction("voice.volume"))


def _voice_name(base_dir: Path) -> Key[str]:
    """``voice.name``; a Piper model path (``*.onnx``) is relative to the script's folder."""

    def name(node: Node) -> str:
        value = text("voice.name")(node)
        engine, colon, rest = value.rpartition(":")
        if not rest.endswith(".onnx"):
            return value
        return f"{engine}{colon}{(base_dir / Path(rest).expanduser()).absolute()}"

    return Key("name", name)


def _voice(voice_name: Key[str]) -> Callable[[Node], Fields]:
    return lambda node: convert_fields(node, (voice_name, _RATE, _VOICE_VOLUME), "voice")


def _bundled_sounds() -> dict[str, Path]:
    """Each bundled beep file by its name, with and without ``.wav`` (``go``, ``go.wav``)."""
    folder = resources.files("voiceguide.beep_sounds")
    files = {entry.name: Path(str(entry)) for entry in folder.iterdir()
             if entry.is_file() and entry.name.endswith(".wav")}
    return {**files, **{name.removesuffix(".wav"): path for name, path in files.items()}}


def _stems(bundled: dict[str, Path]) -> list[str]:
    return [name for name in bundled if not name.endswith(".wav")]


def _sound(base_dir: Path) -> Callable[[Node], str]:
    """``tone``, a bundled beep file name, or a path relative to the script's folder;
    a file is resolved to an absolute path and must be a readable regular file of at
    most ``MAX_SOUND_BYTES``. Whether it decodes is checked by ``validate`` and at
    render (decoding is not the parser's work)."""

    def convert(node: Node) -> str:
        value = text("beeps.sound")(node)
        bundled = _bundled_sounds()
        if value == "tone":
            return value
        if value in bundled:
            return str(bundled[value].resolve())
        path = base_dir / os.path.expanduser(value)  # unlike Path.expanduser, no error
        try:
            check_limited(path, MAX_SOUND_BYTES, f"the sound {str(path)!r}")
        except UnreadableInput as exc:
            if not os.path.lexists(path):  # also for a name too long to be a file
                raise Invalid.at(node, f"beeps.sound: no sound file {value!r} (looked in the "
                                       f"bundled beeps and in {base_dir})",
                                 choices_hint(value, ["tone", *_stems(bundled)], "bundled sounds")
                                 ) from None
            raise Invalid.at(node, f"beeps.sound: {exc.reason}",
                             f"a beep is a short audio file of at most "
                             f"{MAX_SOUND_BYTES >> 20} MiB") from None
        return str(path.resolve())

    return convert


_BEEP_VOLUME = Key("volume", fraction("beeps.volume"))


def _beeps(base_dir: Path) -> Callable[[Node], BeepSettings]:
    sound = Key("sound", _sound(base_dir))

    def convert(node: Node) -> BeepSettings:
        values = convert_fields(node, (_BEEP_VOLUME, sound), "beeps")
        return BeepSettings(volume=values.get(_BEEP_VOLUME, _NO_BEEPS.volume),
                            sound=values.get(sound, _NO_BEEPS.sound), loc=node.loc)

    return convert


_MUSIC_VOLUME = Key("volume", decibels("music.volume", *MUSIC_VOLUME_RANGE))
_DUCK = Key("duck", decibels("music.duck", *MUSIC_DUCK_RANGE))
_SHUFFLE = Key("shuffle", boolean("music.shuffle"))


def _music_path(base_dir: Path) -> Callable[[Node], str]:
    """A music file, folder or playlist relative to the script's folder, resolved; it
    must exist (what is in it is checked when the music is loaded)."""

    def convert(node: Node) -> str:
        value = text("music.path")(node)
        path = base_dir / os.path.expanduser(value)
        if not os.path.exists(path):  # unlike Path.exists, False for a name too long
            raise Invalid.at(node, f"music.path: no music file or folder {value!r} "
                                   f"(looked in {base_dir})",
                             "name an audio file, a folder of tracks or an .m3u playlist, "
                             "relative to the script's folder")
        return str(path.resolve())

    return convert


def _music(base_dir: Path) -> Callable[[Node], MusicSettings]:
    music_path = Key("path", _music_path(base_dir))

    def convert(node: Node) -> MusicSettings:
        values = convert_fields(node, (music_path, _MUSIC_VOLUME, _DUCK, _SHUFFLE), "music",
                                required=(music_path,))
        path_node = mapping(node, "music").get("path")
        return MusicSettings(path=values[music_path],
                             volume=values.get(_MUSIC_VOLUME, _NO_MUSIC.volume),
                             duck=values.get(_DUCK, _NO_MUSIC.duck),
                             shuffle=values.get(_SHUFFLE, _NO_MUSIC.shuffle),
                             loc=path_node.loc if path_node is not None else node.loc)

    return convert


_NO_BEEPS = BeepSettings()
_NO_VOICE = VoiceSettings()
_NO_MUSIC = MusicSettings()


def _template_issues(phrase: str, template: str, node: Node) -> list[Issue]:
    """Placeholders must be plain ``{name}`` from the phrase's allowed set."""
    allowed = PLACEHOLDERS[phrase]
    shown = ", ".join(f"{{{p}}}" for p in allowed) if allowed else "none"
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return [Issue(node.loc, f"phrases.{phrase}: bad template: {exc}",
                      "write a literal brace as {{ or }}")]
    return [Issue(node.loc, f"phrases.{phrase}: unknown placeholder "
                            f"{{{field}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}",
                  f"allowed placeholders: {shown}")
            for _, field, spec, conv in parts
            if field is not None and (field not in allowed or spec or conv)]


def _phrases(node: Node) -> tuple[tuple[str, str], ...]:
    given = mapping(node, "phrases")
    issues: list[Issue] = []
    templates = []
    for key, value in given.items:
        if key.value not in PLACEHOLDERS:
            issues.append(Issue(key.loc, f"phrases: unknown phrase {key.text!r}",
                                choices_hint(key.text, PLACEHOLDERS, "phrases")))
            continue
        phrase = str(key.value)
        template = collect(name(f"phrases.{phrase}"), value, issues)
        if template is not None:
            issues += _template_issues(phrase, template, value)
            templates.append((phrase, template))
    if issues:
        raise Invalid(issues)
    return tuple(templates)


def _blocks(defaults: dict[str, Any] | None, warnings: list[Issue]
            ) -> Callable[[Node], tuple[Block, ...]]:
    """The ``blocks`` list; warnings of good blocks are kept even when others fail."""

    def convert(node: Node) -> tuple[Block, ...]:
        items = sequence(node, "blocks").items
        if not items:
            raise Invalid.at(node, "blocks: the list is empty",
                             "add at least one block, e.g. '- say: Hello'")
        issues: list[Issue] = []
        blocks = [block for item in items
                  if (block := collect(lambda n: convert_block(n, defaults or {}), item,
                                       issues)) is not None]
        for block in blocks:
            warnings.extend(i for i in block_conflicts(block) if i.level == "warning")
        if issues or defaults is None:
            raise Invalid(issues)
        return tuple(blocks)

    return convert


def _script(root: Node, path: str) -> tuple[Script | None, list[Issue]]:
    issues: list[Issue] = []
    given = collect(lambda n: mapping(n, "script"), root, issues)
    if given is None:
        return None, issues
    defaults_node = given.get("defaults")
    defaults = {} if defaults_node is None else collect(_defaults, defaults_node, issues)
    talk_node = given.get("talk")
    talk = None if talk_node is None else collect(choice("talk", TALK_LEVELS), talk_node,
                                                  issues)
    if defaults is not None and talk is not None:
        defaults.setdefault("talk", talk)
    workout = Key("workout", name("workout"))
    blocks = Key("blocks", _blocks(defaults, issues))
    base_dir = Path(path).absolute().parent
    voice_name = _voice_name(base_dir)
    voice_key = Key("voice", _voice(voice_name))
    beeps = Key("beeps", _beeps(base_dir))
    music = Key("music", _music(base_dir))
    progression = Key("progression",
                      lambda n: convert_progression(n, given.get("blocks")))
    top = (_FORMAT, workout, _DESCRIPTION, _LANGUAGE, voice_key, beeps, music,
           Key("defaults", lambda _: _already(defaults)), Key("talk", lambda _: _already(talk)),
           _PHRASES, blocks, progression,
           Key("translations", lambda _: None))  # checked against the parsed script below
    values = collect(lambda n: convert_fields(n, top, "script", required=(workout, blocks)),
                     given, issues)
    if values is None:
        return None, issues
    entries: tuple[ProgressionEntry, ...] = values.get(progression, ())
    issues += progression_conflicts(values[blocks], entries)
    voice = values.get(voice_key, Fields({}))
    voice_node = given.get("voice")
    name_node = voice_node.get("name") if isinstance(voice_node, Map) else None
    language = values.get(_LANGUAGE, _NO_VOICE.language)
    script = Script(
        path=path, workout=values[workout], blocks=values[blocks],
        format=values.get(_FORMAT, 1), description=values.get(_DESCRIPTION),
        voice=VoiceSettings(language=language, name=voice.get(voice_name),
                            rate=voice.get(_RATE, _NO_VOICE.rate),
                            volume=voice.get(_VOICE_VOLUME, _NO_VOICE.volume)),
        beeps=values.get(beeps, _NO_BEEPS), music=values.get(music, _NO_MUSIC),
        phrases=values.get(_PHRASES, ()), progression=entries,
        voice_name_loc=Loc() if name_node is None else name_node.loc, written_in=language)
    translations_node = given.get("translations")
    if translations_node is not None:
        found = collect(lambda n: convert_translations(n, script, issues), translations_node,
                        issues)
        script = dataclasses.replace(script, translations=found or ())
    return script, issues


_FORMAT = Key("format", _format)
_DESCRIPTION = Key("description", text("description"))
_LANGUAGE = Key("language", choice("language", LANGUAGES))
_PHRASES = Key("phrases", _phrases)


def _already(value: T | None) -> T:
    """A value converted earlier; its problems were reported then."""
    if value is None:
        raise Invalid(())
    return value


def _problems(path: str, issues: list[Issue]) -> list[Problem]:
    return [Problem(path, i.loc, i.level, i.message, i.hint) for i in issues
            if i is not REPORTED]


def parse_script(text: str, path: str) -> tuple[Script | None, list[Problem]]:
    """All problems sorted by position; Script is None when any problem is an error."""
    root, problems = load_nodes(text, path)
    if root is None:
        return None, problems
    script, issues = _script(root, path)
    problems = sorted_problems(problems + _problems(path, issues))
    if has_errors(problems):
        return None, problems
    return script, problems


def load_script(path: str | os.PathLike[str]) -> tuple[Script | None, list[Problem]]:
    """Reads the file (a regular file of at most 1 MiB, UTF-8; anything else -> a Problem
    at 1:1, not an exception) then parse_script."""
    shown = os.fsdecode(path)
    try:
        data = read_limited(path, MAX_BYTES, "the script")
    except UnreadableInput as exc:
        return None, [Problem(shown, Loc(), "error", exc.reason)]
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        loc = Loc(before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1)
        return None, [Problem(shown, loc, "error", "the script is not UTF-8 text",
                              "save the file as UTF-8")]
    return parse_script(content, shown)


def parse_field(kind: str, key: str, value_text: str, *,
                path: str = "<override>") -> tuple[str, object]:
    """Convert one block field given as text (e.g. kind 'exercise', key 'rest', '90s')
    to (model field name, parsed value), raising ScriptError with a located Problem on
    bad input. Shares the block field table, so overrides are checked like scripts."""

    def fail(message: str, hint: str | None = None) -> ScriptError:
        return ScriptError([Problem(path, Loc(), "error", message, hint)])

    if kind not in FIELDS:
        raise fail(f"unknown block kind {kind!r}", choices_hint(kind, FIELDS, "kinds"))
    fields = FIELDS[kind]
    if key not in fields:
        raise fail(f"{kind}: unknown key {key!r}", choices_hint(key, fields, "known keys")
                   if fields else f"{kind} blocks have no other fields")
    if not value_text.strip():
        raise fail(f"{kind}.{key}: no value given")
    node, problems = load_nodes(value_text, path)
    if node is None or problems:
        raise ScriptError(problems)
    try:
        return fields[key].attr, fields[key].convert(node)
    except Invalid as exc:
        raise ScriptError(_problems(path, list(exc.issues))) from None
