"""Making scripts: new ones from templates, and an edit loop that ends on a valid script."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from voiceguide.atomic import atomic_write_text
from voiceguide.errors import UsageError
from voiceguide.paths import scripts_dir
from voiceguide.problems import Problem, has_errors
from voiceguide.store.library import SCRIPT_SUFFIXES, bundled_scripts, is_bundled

BLANK = "blank"


def template_names() -> list[str]:
    """``blank`` (a commented starting point) and every bundled script."""
    return [BLANK] + [entry.name for entry in bundled_scripts()]


def template_text(name: str) -> str:
    if name == BLANK:
        blank = resources.files("voiceguide.script").joinpath("templates/blank.yaml")
        return blank.read_text("utf-8")
    for entry in bundled_scripts():
        if entry.name == name:
            return entry.path.read_text("utf-8")
    raise UsageError(f"no template named {name!r} (templates: {', '.join(template_names())})")


def schema_modeline() -> str:
    """The first line that makes YAML editors autocomplete and check against the schema."""
    schema = Path(str(resources.files("voiceguide.script").joinpath("schema.json"))).resolve()
    return f"# yaml-language-server: $schema={schema.as_uri()}\n"


def script_destination(target: str) -> Path:
    """A bare name (no folder, no suffix) goes to the user scripts folder, so it can be
    played by name; anything else is a path, ``.yaml`` added when it has no suffix."""
    path = Path(target)
    if not target.strip() or path.name in ("", ".", "..") or target.endswith(os.sep):
        raise UsageError(f"{target!r} names no file: give the new script a name, e.g. "
                         "`voiceguide new my-workout` or `voiceguide new ./legs.yaml`")
    if path.suffix not in SCRIPT_SUFFIXES:
        path = path.with_name(path.name + ".yaml")
    if len(Path(target).parts) == 1 and not Path(target).suffix:
        return scripts_dir() / path.name
    return path


def new_script(target: str, *, template: str = BLANK, force: bool = False) -> Path:
    """Write a new script from a template; never overwrites unless ``force``."""
    dest = script_destination(target)
    if os.path.isdir(dest):
        raise UsageError(f"{dest} is a folder: give the new script a file name")
    if os.path.lexists(dest) and not force:
        raise UsageError(f"{dest} exists already (use --force to overwrite)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(dest, schema_modeline() + template_text(template))
    return dest


def editable_copy(path: Path) -> Path:
    """The file to edit: a bundled script is copied to the user folder first (the copy
    then wins by name), never edited in place."""
    if not is_bundled(path):
        return path
    copy = scripts_dir() / path.name
    if not copy.exists():
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    return copy


def edit_until_valid(
    path: Path,
    *,
    open_editor: Callable[[Path], None],
    check: Callable[[Path], list[Problem]],
    reopen: Callable[[list[Problem]], bool],
) -> list[Problem]:
    """Open the editor, check on save; while there are errors and ``reopen`` says so, again.

    Returns the problems of the last check (no errors: the script is valid).
    """
    while True:
        open_editor(path)
        problems = check(path)
        if not has_errors(problems) or not reopen(problems):
            return problems
