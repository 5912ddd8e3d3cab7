"""Every parse/validate rule, table-driven like yamllint's RuleTestCase: script text ->
expected problems as (line, column, level, message substring)."""

from __future__ import annotations

import textwrap

import pytest

from voiceguide.script.parse import parse_script

OK = "workout: W\nblocks:\n  - say: hi\n"
"""A valid script; cases below append or change lines of something like it."""
B = "workout: W\nblocks:\n"
"""Start of a script whose blocks a case writes."""

CASES: list[tuple[str, str, list[tuple[int, int, str, str]]]] = [
    # --- YAML level ---
    ("syntax", "workout: [a\nblocks: x\n", [(2, 7, "error", "invalid YAML: expected ','")]),
    ("mapping-values", "workout: a: b\n", [(1, 11, "error", "mapping values are not allowed")]),
    ("tab", "workout: x\nblocks:\n\t- say: hi\n", [(3, 1, "error", "found character '\\t'")]),
    ("two-documents", OK + "---\n" + OK, [(4, 1, "error", "one YAML document")]),
    ("empty", "", [(1, 1, "error", "the script is empty")]),
    ("comments-only", "# nothing\n", [(1, 1, "error", "the script is empty")]),
    ("python-tag", "workout: !!python/object/apply:os.system [echo hi]\nblocks: [say: hi]\n",
     [(1, 10, "error", "tag !!python/object/apply:os.system is not allowed")]),
    ("local-tag", "workout: !foo x\nblocks: [say: hi]\n", [(1, 10, "error", "tag !foo")]),
    ("set-tag", OK + "description: !!set {a}\n", [(4, 14, "error", "tag !!set")]),
    ("bad-explicit-int", OK + "format: !!int one\n", [(4, 9, "error", "'one' is not a valid int")]),
    ("huge-int", OK + "format: " + "9" * 5000 + "\n", [(4, 9, "error", "too long for a number")]),
    ("control-char", "workout: \x01\n", [(1, 10, "error", "character '\\x01' is not allowed")]),
    ("duplicate-key", OK + "workout: X\n",
     [(4, 1, "error", "duplicate key 'workout' (first at line 1)")]),
    ("complex-key", OK + "? [a]\n: b\n", [(4, 3, "error", "a key must be a plain value")]),
    ("recursive-alias", "workout: W\nblocks: &b [*b]\n", [(2, 9, "error", "contains it")]),
    ("merge-non-mapping", B + "  - <<: 3\n    say: hi\n",
     [(3, 9, "error", "<< merges mappings only")]),
    ("deep-nesting", "workout: " + "[" * 60 + "]" * 60 + "\n",
     [(1, 59, "error", "lists and mappings are nested more than 50 deep")]),
    # --- top level ---
    ("not-a-mapping", "- say: hi\n", [(1, 1, "error", "script: expected a mapping")]),
    ("missing-required", "description: D\n",
     [(1, 1, "error", "'blocks' is missing"), (1, 1, "error", "'workout' is missing")]),
    ("unknown-top-key", OK + "workot: W\n", [(4, 1, "error", "unknown key 'workot'")]),
    ("format-2", "format: 2\n" + OK, [(1, 9, "error", "version 2 is not supported; supported: 1")]),
    ("format-text", "format: one\n" + OK, [(1, 9, "error", "format: expected a whole number")]),
    ("language", OK + "language: dee\n", [(4, 11, "error", "'dee' is not one of en, de, es, fr")]),
    ("language-type", OK + "language: 3\n", [(4, 11, "error", "expected one of en, de")]),
    ("voice", OK + "voice: {rate: 79, volume: 1.5, speed: 3, name: ''}\n",
     [(4, 15, "error", "voice.rate: 79 is out of range; it must be 80-400"),
      (4, 27, "error", "voice.volume: 1.5 is out of range; it must be 0-1"),
      (4, 32, "error", "voice: unknown key 'speed'"),
      (4, 48, "error", "voice.name: text is empty")]),
    ("voice-not-mapping", OK + "voice: fast\n", [(4, 8, "error", "voice: expected a mapping")]),
    ("beeps", OK + "beeps: {volume: true, sound: nope.wav}\n",
     [(4, 17, "error", "beeps.volume: expected a number from 0 to 1, got true/false"),
      (4, 30, "error", "beeps.sound: no sound file 'nope.wav'")]),
    ("description-blank", OK + "description: '   '\n",
     [(4, 14, "error", "description: text is empty")]),
    ("workout-too-long", "workout: " + "x" * 501 + "\nblocks: [say: hi]\n",
     [(1, 10, "error", "501 characters long; at most 500")]),
    ("workout-null", "workout:\nblocks: [say: hi]\n",
     [(1, 9, "error", "expected text, got nothing")]),
    ("blocks-empty", "workout: W\nblocks: []\n", [(2, 9, "error", "blocks: the list is empty")]),
    ("blocks-mapping", "workout: W\nblocks: {say: hi}\n",
     [(2, 9, "error", "blocks: expected a list")]),
    # --- phrases ---
    ("phrase-unknown", OK + "phrases: {gooo: Go}\n", [(4, 11, "error", "unknown phrase 'gooo'")]),
    ("phrase-placeholder", OK + "phrases: {rest: 'Rest {time} {name}'}\n",
     [(4, 17, "error", "phrases.rest: unknown placeholder {name}")]),
    ("phrase-format-spec", OK + "phrases: {next_up: 'Next {name:>9}'}\n",
     [(4, 20, "error", "unknown placeholder {name:>9}")]),
    ("phrase-brace", OK + "phrases: {go: 'Go {'}\n", [(4, 15, "error", "bad template")]),
    ("phrase-empty", OK + "phrases: {go: ''}\n", [(4, 15, "error", "phrases.go: text is empty")]),
    # --- blocks: kinds and keys ---
    ("no-kind", B + "  - sets: 3\n",
     [(3, 5, "error", "block: has no kind key")]),
    ("no-kind-misspelt", B + "  - exercse: A\n",
     [(3, 5, "error", "block: has no kind key")]),
    ("two-kinds", B + "  - exercise: A\n    hold: B\n",
     [(4, 5, "error", "block: has two kinds, exercise and hold")]),
    ("block-not-mapping", B + "  - hello\n", [(3, 5, "error", "block: expected a mapping")]),
    ("unknown-field", B + "  - exercise: A\n    rset: 10\n",
     [(4, 5, "error", "exercise: unknown key 'rset'")]),
    ("warmup-rest", B + "  - warmup: A\n    rest: 10\n    moves: [{name: m, time: 5}]\n",
     [(4, 5, "error", "warmup: unknown key 'rest'")]),
    ("say-extra", B + "  - say: hi\n    sets: 3\n",
     [(4, 5, "error", "say: unknown key 'sets'")]),
    ("name-empty", B + "  - exercise: ''\n", [(3, 15, "error", "exercise: text is empty")]),
    # --- counts, durations, tempo ---
    ("sets-range", B + "  - exercise: A\n    sets: 21\n",
     [(4, 11, "error", "sets: 21 is out of range; it must be 1-20")]),
    ("sets-zero", B + "  - hold: A\n    sets: 0\n", [(4, 11, "error", "sets: 0 is out")]),
    ("reps-range", B + "  - march: A\n    reps: 101\n",
     [(4, 11, "error", "reps: 101 is out of range; it must be 1-100")]),
    ("reps-float", B + "  - exercise: A\n    reps: 2.5\n",
     [(4, 11, "error", "reps: expected a whole number, got the number 2.5")]),
    ("reps-bool", B + "  - exercise: A\n    reps: yes\n",
     [(4, 11, "error", "reps: expected a whole number, got true/false (yes)")]),
    ("rest-negative", B + "  - exercise: A\n    rest: -5\n",
     [(4, 11, "error", "rest: -5 is negative")]),
    ("rest-over-hour", B + "  - exercise: A\n    rest: 1h0m1s\n",
     [(4, 11, "error", "rest: 1h0m1s is longer than the maximum of 1 hour")]),
    ("rest-bad-text", B + "  - exercise: A\n    rest: 90 sec\n",
     [(4, 11, "error", "rest: expected a duration")]),
    ("rest-inf", B + "  - rest: .inf\n", [(3, 11, "error", "longer than the maximum")]),
    ("time-zero", B + "  - hold: A\n    time: 0s\n",
     [(4, 11, "error", "time: must be more than 0 seconds")]),
    ("step-rounds-to-zero", B + "  - march: A\n    step: 0.0001\n",
     [(4, 11, "error", "step: must be more than 0")]),
    ("tempo-shape", B + "  - exercise: A\n    tempo: 2-1\n",
     [(4, 12, "error", "tempo: expected a tempo like 2-1-2")]),
    ("tempo-number", B + "  - exercise: A\n    tempo: 3\n",
     [(4, 12, "error", "tempo: expected a tempo like 2-1-2")]),
    ("tempo-phase", B + "  - exercise: A\n    tempo: 2-11-2\n",
     [(4, 12, "error", "each phase must be 0-10 seconds")]),
    ("tempo-zero", B + "  - exercise: A\n    tempo: 0-0-0-0\n",
     [(4, 12, "error", "at least one phase must be longer than 0")]),
    ("countdown", B + "  - exercise: A\n    countdown: 11\n",
     [(4, 16, "error", "countdown: 11 must be whole seconds from 0 to 10")]),
    ("countdown-fraction", B + "  - hold: A\n    countdown: 2.5s\n",
     [(4, 16, "error", "countdown: 2.5s must be whole seconds")]),
    ("count-type", B + "  - exercise: A\n    count: maybe\n",
     [(4, 12, "error", "count: expected true or false, got text 'maybe'")]),
    ("first", B + "  - march: A\n    first: lft\n",
     [(4, 12, "error", "first: 'lft' is not one of left, right")]),
    ("setup-too-long", B + "  - exercise: A\n    setup: " + "y" * 501 + "\n",
     [(4, 12, "error", "setup: text is 501 characters long")]),
    ("say-list", B + "  - say: [a, b]\n", [(3, 10, "error", "say: expected text, got a list")]),
    ("rest-block-text", B + "  - rest: soon\n", [(3, 11, "error", "rest: expected a duration")]),
    # --- cues ---
    ("cue-rep-beyond", B + "  - exercise: A\n    reps: 5\n    cues: {reps: {6: x}}\n",
     [(5, 22, "error", "cues.reps: rep 6 is beyond the 5 reps of A")]),
    ("cue-rep-type", B + "  - exercise: A\n    cues: {reps: {six: x}}\n",
     [(4, 19, "error", "cue rep: expected a whole number, got text 'six'")]),
    ("cue-rep-twice", B + "  - march: A\n    cues:\n      reps: {3: x, 3.0: y}\n",
     [(5, 20, "error", "cue rep: expected a whole number")]),
    ("cue-comma", B + "  - exercise: A\n    cues: {reps: {6: Hips, knees level.}}\n",
     [(4, 28, "error", "'knees level.' has no text")]),
    ("cue-kind-exercise", B + "  - exercise: A\n    cues: {at: {3s: x}}\n",
     [(4, 12, "error", "cues: unknown key 'at'")]),
    ("cue-kind-hold", B + "  - hold: A\n    cues: {reps: {1: x}, last: y}\n",
     [(4, 12, "error", "cues: unknown key 'reps'"), (4, 26, "error", "cues: unknown key 'last'")]),
    ("cue-at-outside", B + "  - hold: A\n    time: 20s\n    cues: {at: {20s: x, 5: y}}\n",
     [(5, 22, "error", "cues.at: 20s is not within the 20s hold of A")]),
    ("cue-at-same", B + "  - hold: A\n    cues: {at: {5: x, 5s: y}}\n",
     [(4, 23, "error", "cues.at: two cues at 5s (other at line 4)")]),
    ("cue-every-zero", B + "  - hold: A\n    cues: {every: {interval: 0, say: y}}\n",
     [(4, 30, "error", "cues.every.interval: must be more than 0")]),
    ("cue-every-missing", B + "  - hold: A\n    cues: {every: {say: y}}\n",
     [(4, 19, "error", "cues.every: 'interval' is missing")]),
    ("cue-every-never", B + "  - hold: A\n    time: 10s\n"
                        "    cues: {every: {interval: 10s, say: y}}\n",
     [(5, 40, "warning", "the interval is not shorter than the 10s hold of A")]),
    # --- warm-up ---
    ("warmup-no-moves", B + "  - warmup: A\n", [(3, 5, "error", "'moves' is missing")]),
    ("warmup-empty-moves", B + "  - warmup: A\n    moves: []\n",
     [(4, 12, "error", "moves: the list is empty")]),
    ("move-fields", B + "  - warmup: A\n    moves: [{name: a}, {time: 3, side: true}]\n",
     [(4, 13, "error", "move: 'time' is missing"), (4, 24, "error", "move: 'name' is missing"),
      (4, 34, "error", "move: unknown key 'side'")]),
    # --- defaults ---
    ("defaults-unknown", OK + "defaults: {reps: 3}\n",
     [(4, 12, "error", "defaults: unknown key 'reps'")]),
    ("defaults-value", OK + "defaults: {rest: -1, transition: x}\n",
     [(4, 18, "error", "rest: -1 is negative"),
      (4, 34, "error", "transition: expected a duration")]),
    # --- progression ---
    ("week-zero", OK + "progression:\n  - week: 0\n",
     [(5, 11, "error", "week: 0 is out of range")]),
    ("week-missing", OK + "progression:\n  - say: hi\n", [(5, 5, "error", "'week' is missing")]),
    ("week-order", OK + "progression:\n  - week: 2\n  - week: 2\n",
     [(6, 11, "error", "week 2 comes after week 2; weeks must increase")]),
    ("progression-empty", OK + "progression: []\n",
     [(4, 14, "error", "progression: the list is empty")]),
    # --- talk, tempo words, set-up time ---
    ("talk", OK + "talk: loud\ndefaults: {talk: quiet, tempo_words: some}\n",
     [(4, 7, "error", "talk: 'loud' is not one of minimal, normal, chatty"),
      (5, 18, "error", "talk: 'quiet' is not one of minimal, normal, chatty"),
      (5, 38, "error", "tempo_words: 'some' is not one of first, all, off")]),
    ("setup-time", B + "  - hold: H\n    setup_time: soon\n    setup_again: ''\n",
     [(4, 17, "error", "setup_time: expected a duration"),
      (5, 18, "error", "setup_again: text is empty")]),
    # --- translations ---
    ("translation-language", OK + "translations: {xx: {hi: hallo}, en: {hi: hi}}\n",
     [(4, 16, "error", "translations: unknown language 'xx'"),
      (4, 33, "error", "translations: en is the language the script is written in")]),
    ("translation-missing-key", "workout: W\nblocks: [say: hi]\n"
     "translations: {de: {hi: hallo}}\n",
     [(3, 16, "warning", "translations.de: no translation for 'W'; it is spoken in English")]),
    ("translation-unknown-text", OK + "translations: {de: {W: W, hi: hallo, ho: ho}}\n",
     [(4, 38, "error", "translations.de: 'ho' is not a text of this script")]),
    ("translation-placeholder", OK + "phrases: {rest: 'Rest {time}.'}\n"
     "translations: {de: {W: W, hi: hallo, 'Rest {time}.': 'Pause {zeit}.'}}\n",
     [(5, 54, "error", "translations.de: the translation of the rest phrase must use the "
                       "same placeholders as it")]),
]
"""(id, script, expected problems) — one or more cases per rule."""

PROGRESSION = textwrap.dedent("""\
    workout: W
    blocks:
      - exercise: Hip thrust
        reps: 8
        cues: {reps: {8: Last one.}}
      - hold: Plank
    progression:
      - week: 1
        set: {Hip thrus: {reps: 10}, Plank: {reps: 3}}
      - week: 2
        set: {Hip thrust: {reps: 0, time: 3s}}
    """)

PROGRESSION_CONFLICTS = textwrap.dedent("""\
    workout: W
    blocks:
      - exercise: Hip thrust
        reps: 8
        cues: {reps: {8: Last one.}}
    progression:
      - week: 2
        set: {Hip thrust: {reps: 10}}
      - week: 3
        set: {Hip thrust: {reps: 6}}
      - week: 4
        set: {Hip thrust: {cues: {reps: {1: First.}}}}
      - week: 5
        set: {Hip thrust: {reps: 5}}
    """)


def check(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    """Asserts the problems' positions, levels and messages (substrings), in order."""
    _, problems = parse_script(text, "t.yaml")
    got = [(p.loc.line, p.loc.column, p.level, p.message) for p in problems]
    assert len(got) == len(expected), got
    for (line, column, level, message), want in zip(got, expected, strict=True):
        assert (line, column, level) == want[:3], got
        assert want[3] in message, got


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    check(text, expected)


def test_progression_rules() -> None:
    check(PROGRESSION, [
        (9, 11, "error", "set: no block is named 'Hip thrus'"),
        (9, 42, "error", "set.Plank: unknown key 'reps'"),
        (11, 30, "error", "reps: 0 is out of range"),
        (11, 33, "error", "set.Hip thrust: unknown key 'time'"),
    ])


def test_progression_is_checked_week_by_week() -> None:
    """A cue that fits the block but not a later week's reps is an error at that week;
    replacing the cues (week 4) makes the later week fine."""
    check(PROGRESSION_CONFLICTS, [
        (9, 5, "error", "week 3: cues.reps: rep 8 is beyond the 6 reps of Hip thrust"),
    ])


HINTS = [
    ("workout: W\nblocks:\n  - exercise: A\n    rset: 10\n", "did you mean 'rest'?"),
    (OK + "workot: W\n", "did you mean 'workout'?"),
    (OK + "language: dee\n", "did you mean 'de'?"),
    (OK + "phrases: {gooo: Go}\n", "did you mean 'go'?"),
    (OK + "phrases: {rest: '{name}'}\n", "allowed placeholders: {time}"),
    (OK + "phrases: {go: '{name}'}\n", "allowed placeholders: none"),
    ("workout: W\nblocks:\n  - march: A\n    first: lft\n", "did you mean 'left'?"),
    ("workout: W\nblocks:\n  - exercise: A\n    cues: {reps: {6: Hips, knees level.}}\n",
     "put text that has a comma in quotes"),
    ("workout: W\nblocks:\n  - exercise: A\nprogression:\n  - {week: 1, set: {a: {}}}\n",
     "named blocks: A"),
    ("workout: W\nblocks:\n  - say: hi\n    sets: 3\n", "no other keys are allowed here"),
    ("workout: W\nblocks:\n  - exercise: A\n    wieght: 3\n", "did you mean 'weight'?"),
]


@pytest.mark.parametrize(("text", "hint"), HINTS)
def test_hint(text: str, hint: str) -> None:
    _, problems = parse_script(text, "t.yaml")
    assert [p.hint for p in problems if p.hint and hint in p.hint], [p.format() for p in problems]


def test_format_of_a_problem() -> None:
    _, problems = parse_script("workout: W\nblocks:\n  - exercise: A\n    rset: 10\n", "w.yaml")
    assert [p.format() for p in problems] == [
        "w.yaml:4:5: error: exercise: unknown key 'rset' (hint: did you mean 'rest'?)"]


def test_warning_keeps_the_script() -> None:
    script, problems = parse_script(
        B + "  - hold: A\n    time: 5s\n    cues: {every: {interval: 9s, say: y}}\n", "t.yaml")
    assert script is not None and [p.level for p in problems] == ["warning"]


def test_every_problem_of_a_file_at_once() -> None:
    text = "format: 3\nworkout: ''\nblocks:\n  - exercise: A\n    sets: 0\n  - hold: B\n" \
        "    time: x\n"
    _, problems = parse_script(text, "t.yaml")
    assert [(p.loc.line, p.loc.column) for p in problems] == [(1, 9), (2, 10), (5, 11), (7, 11)]
