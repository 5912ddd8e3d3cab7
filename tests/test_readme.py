"""The README's examples are what the program does: its script is valid, and its error
example is the real output of ``validate`` for the typo it describes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    """The README's fenced blocks tagged ``language`` ("" for untagged), in order."""
    found, current, tag = [], None, ""
    for line in README.splitlines(keepends=True):
        fence = re.match(r"```(\w*)\s*$", line)
        if fence and current is None:
            current, tag = [], fence.group(1)
        elif fence:
            if tag == language:
                found.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return found


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voiceguide", *args], cwd=folder,
                          env=os.environ, capture_output=True, text=True, timeout=120)


def test_the_example_script_is_valid(tmp_path: Path) -> None:
    (tmp_path / "my-workout.yaml").write_text(_blocks("yaml")[0], encoding="utf-8")
    done = _run(tmp_path, "validate", "my-workout.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_error_example_is_what_validate_prints(tmp_path: Path) -> None:
    example = next(b for b in _blocks("") if b.startswith("$ voiceguide validate"))
    command, *expected = example.strip().splitlines()
    script = _blocks("yaml")[0]
    assert "    rest: 90s\n" in script
    (tmp_path / "my-workout.yaml").write_text(script.replace("    rest: 90s", "    rset: 90s"),
                                              encoding="utf-8")
    done = _run(tmp_path, *command.split()[2:])
    assert done.returncode == 2
    assert (done.stdout + done.stderr).strip().splitlines() == expected
