"""Bad input never crashes the parser: any text, any YAML-shaped data, any edit of a
good script gives (Script or None, problems), never an exception."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceguide.problems import has_errors, sorted_problems
from voiceguide.script.blocks import FIELDS, KINDS
from voiceguide.script.parse import parse_script
from voiceguide.script.phrases import PLACEHOLDERS

GOOD = """\
workout: Hip thrust
defaults: {rest: 45s, tempo: 2-1-2}
phrases: {rest: 'Rest {time}.'}
blocks:
  - warmup: Warm-up
    moves: [{name: Swings, time: 40s, sides: true}]
  - exercise: Hip thrust
    sets: 3
    cues: {reps: {6: Squeeze.}}
  - hold: Hold
    cues: {every: {interval: 10s, say: Hips high.}, at: {20s: Squeeze.}}
  - rest: 60s
progression:
  - {week: 2, set: {Hip thrust: {reps: 10}}}
"""

KEYS = sorted({*KINDS, *(k for fields in FIELDS.values() for k in fields), *PLACEHOLDERS,
               "workout", "blocks", "defaults", "phrases", "progression", "format", "voice",
               "beeps", "language", "week", "set", "moves", "name", "time", "interval", "at",
               "every", "start", "halfway", "last", "volume", "rate", "sound"})
WORDS = ["45s", "1m30s", "2-1-2", "2-1-2-1", "0", "-1", "tone", "en", "left", "{time}",
         "{nope}", "Hip thrust", "", " ", "1h5m", "99999999999999999999", "go.wav"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(),
                    st.sampled_from(WORDS), st.text(max_size=8))
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=6), st.integers(-2, 30))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=12)
blocks = st.lists(st.dictionaries(st.sampled_from(KEYS), values, max_size=4), max_size=3)
scripts = st.fixed_dictionaries(
    {"workout": scalars, "blocks": blocks},
    optional={key: values for key in ("defaults", "phrases", "progression", "voice", "beeps",
                                      "language", "format")})


def assert_consistent(text: str) -> None:
    script, problems = parse_script(text, "fuzz.yaml")
    assert problems == sorted_problems(problems)
    assert (script is None) == has_errors(problems)
    assert all(p.loc.line >= 1 and p.loc.column >= 1 and p.message for p in problems)


@settings(deadline=None)
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    assert_consistent(text)


@settings(deadline=None, max_examples=120)
@given(scripts, st.booleans())
def test_yaml_shaped_data(data: dict[str, object], flow: bool) -> None:
    assert_consistent(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True))


@settings(deadline=None, max_examples=200)
@given(st.lists(st.tuples(st.integers(0, len(GOOD)), st.integers(0, 3),
                          st.sampled_from(["", ":", "-", " ", "\n", "{", "[", "&a", "*a", "!!",
                                           "'", "x", "0", "<<: "])), max_size=4))
def test_edits_of_a_good_script(edits: list[tuple[int, int, str]]) -> None:
    text = GOOD
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    assert_consistent(text)


def test_the_fuzzed_good_script_is_good() -> None:
    script, problems = parse_script(GOOD, "good.yaml")
    assert script is not None and problems == []
