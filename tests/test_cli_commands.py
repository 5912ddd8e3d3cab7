"""The inspecting commands end to end with the real speech engine: exact output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from voiceguide.cli import main
from voiceguide.store.library import bundled_scripts

pytestmark = pytest.mark.engine

GOOD = """\
workout: Tiny
blocks:
  - exercise: Squat
    sets: 1
    reps: 2
    tempo: 1-0-1
"""

BAD = """\
workout: Tiny
blocks:
  - exercise: Squat
    sets: 0
    rset: 30s
"""


def write(tmp_path: Path, text: str, name: str = "w.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_ok(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    result = invoke("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == f"{path}: ok\n"


def test_validate_reports_every_problem_located(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{path}:4:")
    assert "sets" in lines[0]
    assert lines[1].startswith(f"{path}:5:5: error:")
    assert "rest" in lines[1]
    assert "Traceback" not in result.output


def test_validate_unknown_script_is_usage_error() -> None:
    result = invoke("validate", "no-such-workout")
    assert result.exit_code == 2
    assert "no script file or script named 'no-such-workout'" in result.output


@pytest.mark.parametrize("entry", bundled_scripts(), ids=lambda e: e.name)
def test_bundled_scripts_validate_without_warnings(entry) -> None:
    result = invoke("validate", "--strict", entry.name)
    assert result.exit_code == 0, result.output
    assert result.output == f"{entry.path}: ok\n"


def test_bundled_hip_thrust_validates_every_week() -> None:
    for week in range(1, 5):
        result = invoke("validate", "--strict", "--week", str(week), "hip-thrust")
        assert result.exit_code == 0, result.output


def test_show_table_and_totals(tmp_path: Path) -> None:
    result = invoke("show", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Tiny"
    assert lines[1].split() == ["TIME", "BLOCK", "SET/REP", "SAID"]
    assert any(line.rstrip().endswith("Go! Up.") for line in lines)
    assert lines[-1].startswith("session ")


def test_show_json_is_the_timeline(tmp_path: Path) -> None:
    result = invoke("show", str(write(tmp_path, GOOD)), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "Tiny"
    events = data["events"]
    assert [e["at_ms"] for e in events] == sorted(e["at_ms"] for e in events)
    assert data["total_ms"] >= events[-1]["at_ms"] + events[-1]["duration_ms"]


def test_show_week_changes_the_session() -> None:
    week1 = json.loads(invoke("show", "hip-thrust", "--week", "1", "--json").output)
    week3 = json.loads(invoke("show", "hip-thrust", "--week", "3", "--json").output)
    assert week1["week"] == 1 and week3["week"] == 3
    assert week1["total_ms"] < week3["total_ms"]


def test_list_shows_bundled_scripts() -> None:
    result = invoke("list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "bundled:"
    names = [line.split()[0] for line in lines[1:]]
    assert names == [e.name for e in bundled_scripts()]
    assert "hip-thrust" in names


def test_schema_is_valid_and_accepts_bundled_scripts() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    for entry in bundled_scripts():
        jsonschema.validate(yaml.safe_load(entry.path.read_text("utf-8")), schema)


def test_show_labels_warmup_moves_as_moves() -> None:
    result = invoke("show", "hip-thrust")
    assert result.exit_code == 0, result.output
    warmup = [line for line in result.output.splitlines() if "Dynamic warm-up" in line]
    assert warmup and all(" move " in line and " set " not in line for line in warmup[1:])
