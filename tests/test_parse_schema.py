"""schema.json (for editors) and the parser agree: the format's examples pass both, the
bundled scripts get the same verdict from both, and both reject typical mistakes."""

from __future__ import annotations

import functools
import json
import re
import textwrap
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from voiceguide.script.parse import load_script, parse_script

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = ROOT / "docs" / "script-format.md"
"""The format as documented for users (the contract, with the decisions taken)."""


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("voiceguide.script").joinpath("schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(text: str) -> list[str]:
    return [error.message for error in validator().iter_errors(yaml.safe_load(text))]


def format_examples() -> list[str]:
    """Each YAML example of the contract, made a whole script (block snippets go under
    ``blocks:``; the progression snippet gets the block it names)."""
    doc = FORMAT_DOC.read_text("utf-8")
    scripts = []
    for snippet in re.findall(r"```yaml\n(.*?)```", doc, re.S):
        if snippet.startswith("- "):
            scripts.append("workout: Example\nblocks:\n" + textwrap.indent(snippet, "  "))
        else:
            scripts.append("workout: Example\nblocks:\n  - exercise: Hip thrust\n" + snippet)
    return scripts


def test_the_contract_has_examples() -> None:
    assert len(format_examples()) >= 6


@pytest.mark.parametrize("text", format_examples())
def test_contract_examples_pass_schema_and_parser(text: str) -> None:
    script, problems = parse_script(text, "example.yaml")
    assert script is not None and problems == [], [p.format() for p in problems]
    assert schema_errors(text) == []


@pytest.mark.parametrize("path", sorted((ROOT / "scripts").glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scripts_same_verdict(path: Path) -> None:
    script, problems = load_script(path)
    assert (script is not None) == (schema_errors(path.read_text()) == [])


BAD = [
    "blocks: [say: hi]\n",
    "workout: W\nblocks: []\n",
    "workout: W\nformat: 2\nblocks: [say: hi]\n",
    "workout: W\nlanguage: xx\nblocks: [say: hi]\n",
    "workout: W\nworkot: W\nblocks: [say: hi]\n",
    "workout: W\nvoice: {rate: 500}\nblocks: [say: hi]\n",
    "workout: W\nphrases: {gooo: Go}\nblocks: [say: hi]\n",
    "workout: W\nblocks: [{exercise: A, rset: 10}]\n",
    "workout: W\nblocks: [{exercise: A, sets: 0}]\n",
    "workout: W\nblocks: [{exercise: A, reps: 2.5}]\n",
    "workout: W\nblocks: [{exercise: A, tempo: 2-1}]\n",
    "workout: W\nblocks: [{exercise: A, hold: B}]\n",
    "workout: W\nblocks: [{exercise: A, cues: {at: {3s: x}}}]\n",
    "workout: W\nblocks: [{hold: A, time: 0}]\n",
    "workout: W\nblocks: [{march: A, first: up}]\n",
    "workout: W\nblocks: [{rest: -5}]\n",
    "workout: W\nblocks: [{warmup: A, moves: [{name: m}]}]\n",
    "workout: W\nblocks: [{say: ''}]\n",
    "workout: W\nblocks: [{sets: 3}]\n",
    "workout: W\nblocks: [say: hi]\nprogression: [{week: 0}]\n",
    "workout: W\nblocks: [say: hi]\ndefaults: {reps: 3}\n",
]


@pytest.mark.parametrize("text", BAD)
def test_both_reject(text: str) -> None:
    script, problems = parse_script(text, "bad.yaml")
    assert script is None and problems
    assert schema_errors(text)
