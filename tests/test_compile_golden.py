"""Golden timelines: every ``tests/data/cases/<name>.yaml`` compiles to ``<name>.timeline.txt``.

The scripts go through the real parser; speech lengths come from FakeSpeech (50 ms a
character, at least 300 ms). A first line ``# week: N`` plays week N. Regenerate after
an intended change with ``VOICEGUIDE_UPDATE_GOLDEN=1 pytest tests/test_compile_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.fakes import FakeSpeech
from voiceguide.adjust.week import apply_week
from voiceguide.compile.compiler import compile_script
from voiceguide.script.parse import parse_script
from voiceguide.timeline.dump import dump_text

CASES = Path(__file__).parent / "data" / "cases"
UPDATE = os.environ.get("VOICEGUIDE_UPDATE_GOLDEN") == "1"


def _week(text: str) -> int | None:
    match = re.match(r"# week: (\d+)\n", text)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_golden_timeline(case: str) -> None:
    source = CASES / f"{case}.yaml"
    text = source.read_text(encoding="utf-8")
    script, problems = parse_script(text, source.name)
    assert script is not None, [p.format() for p in problems]
    week = _week(text)
    dump = dump_text(compile_script(apply_week(script, week), speech=FakeSpeech(), week=week))
    golden = CASES / f"{case}.timeline.txt"
    if UPDATE:
        golden.write_text(dump, encoding="utf-8")
    assert golden.exists(), "no golden file: run with VOICEGUIDE_UPDATE_GOLDEN=1"
    assert dump == golden.read_text(encoding="utf-8")


def test_every_block_kind_has_a_golden_case() -> None:
    """Read by the parser: a ``rest:`` field of an exercise is not a rest block."""
    kinds: set[str] = set()
    for path in CASES.glob("*.yaml"):
        script, problems = parse_script(path.read_text(encoding="utf-8"), str(path))
        assert script is not None, problems
        kinds.update(block.kind for block in script.blocks)
        kinds.update(["progression"] if script.progression else [])
    assert kinds == {"warmup", "exercise", "hold", "march", "rest", "say", "progression"}
