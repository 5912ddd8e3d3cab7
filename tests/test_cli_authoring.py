"""``new`` and ``edit``: new scripts validate; the edit loop ends only on a valid script."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from voiceguide.cli import main
from voiceguide.paths import scripts_dir
from voiceguide.store.authoring import template_names
from voiceguide.store.library import bundled_dir

pytestmark = pytest.mark.engine

GOOD = "workout: Fixed\nblocks:\n  - say: All good now.\n"
BAD = "workout: Broken\nblocks:\n  - sey: typo\n"


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), input=input, env=env)


@pytest.mark.parametrize("template", template_names())
def test_new_from_every_template_validates(tmp_path: Path, template: str) -> None:
    target = tmp_path / f"{template}-copy.yaml"
    result = invoke("new", str(target), "--from", template)
    assert result.exit_code == 0, result.output
    assert result.output == f"{target}\n"
    assert target.read_text("utf-8").startswith("# yaml-language-server: $schema=file://")
    checked = invoke("validate", "--strict", str(target))
    assert checked.exit_code == 0, checked.output


def test_new_bare_name_goes_to_user_folder_and_plays_by_name() -> None:
    result = invoke("new", "my-legs")
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()) == scripts_dir() / "my-legs.yaml"
    shown = invoke("show", "my-legs")
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("My workout\n")
    (scripts_dir() / "my-legs.yaml").unlink()


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    target.write_text("keep me", encoding="utf-8")
    result = invoke("new", str(target))
    assert result.exit_code == 2
    assert "exists already" in result.output
    assert target.read_text("utf-8") == "keep me"


def test_new_unknown_template_lists_the_choices(tmp_path: Path) -> None:
    result = invoke("new", str(tmp_path / "w.yaml"), "--from", "hip-trust")
    assert result.exit_code == 2
    assert "hip-thrust" in result.output


def fake_editor(tmp_path: Path, saves: list[str]) -> str:
    """An $EDITOR that writes the next of ``saves`` each time it is opened."""
    for i, text in enumerate(saves):
        (tmp_path / f"save{i}.yaml").write_text(text, encoding="utf-8")
    script = tmp_path / "editor.py"
    script.write_text(
        "import pathlib, sys\n"
        f"state = pathlib.Path({str(tmp_path / 'opened')!r})\n"
        "n = int(state.read_text()) if state.exists() else 0\n"
        "state.write_text(str(n + 1))\n"
        f"src = pathlib.Path({str(tmp_path)!r}) / f'save{{n}}.yaml'\n"
        "pathlib.Path(sys.argv[1]).write_text(src.read_text())\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{sys.executable} {script}"


def test_edit_reopens_until_valid(tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    target.write_text(GOOD, encoding="utf-8")
    editor = fake_editor(tmp_path, [BAD, GOOD])
    result = invoke("edit", str(target), input="y\n", env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.output
    assert f"{target}:3:5: error:" in result.output
    assert "Edit it again?" in result.output
    assert result.output.endswith(f"{target}: ok\n")
    assert (tmp_path / "opened").read_text() == "2"
    assert target.read_text("utf-8") == GOOD


def test_edit_give_up_keeps_file_and_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    target.write_text(GOOD, encoding="utf-8")
    editor = fake_editor(tmp_path, [BAD])
    result = invoke("edit", str(target), input="n\n", env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 2
    assert (tmp_path / "opened").read_text() == "1"


def test_edit_bundled_copies_to_user_folder(tmp_path: Path) -> None:
    bundled = bundled_dir() / "glute-bridge-beginner.yaml"
    before = bundled.read_text("utf-8")
    editor = fake_editor(tmp_path, [GOOD])
    result = invoke("edit", "glute-bridge-beginner", env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 0, result.output
    copy = scripts_dir() / "glute-bridge-beginner.yaml"
    assert copy.read_text("utf-8") == GOOD
    assert bundled.read_text("utf-8") == before
    listed = invoke("list")
    assert "[replaced by your script]" in listed.output
    assert "[replaces the bundled one]" in listed.output
    copy.unlink()
