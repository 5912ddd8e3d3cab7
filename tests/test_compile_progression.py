"""Weeks: entries up to the played week apply in week order, the week's own say is spoken."""

from __future__ import annotations

import pytest

from tests.fakes import FakeSpeech
from voiceguide.adjust.week import apply_week
from voiceguide.compile.compiler import compile_script
from voiceguide.errors import ScriptError
from voiceguide.problems import Loc
from voiceguide.script.model import Exercise, Hold, ProgressionEntry, Script, Spoken
from voiceguide.timeline.events import Timeline

SCRIPT = Script("p.yaml", "Glutes", (Exercise(name="Thrust", sets=3, reps=12),
                                     Hold(name="Plank", time_ms=30_000)),
                progression=(
    ProgressionEntry(3, Spoken("Week three."), (("Thrust", (("reps", 12),
                                                            ("weight", "10 kg"))),)),
    ProgressionEntry(1, Spoken("Week one."), (("Thrust", (("sets", 2), ("reps", 8))),
                                              ("Plank", (("time_ms", 20_000),)))),
))


def test_week_applies_entries_up_to_it_in_week_order() -> None:
    week1 = apply_week(SCRIPT, 1).blocks
    assert (week1[0].sets, week1[0].reps, week1[0].weight) == (2, 8, None)
    week3 = apply_week(SCRIPT, 3).blocks
    assert (week3[0].sets, week3[0].reps, week3[0].weight) == (2, 12, "10 kg")
    assert week3[1].time_ms == 20_000
    assert apply_week(SCRIPT, 9) == apply_week(SCRIPT, 3)
    assert apply_week(SCRIPT, 0).blocks == SCRIPT.blocks
    assert apply_week(SCRIPT, None) == SCRIPT
    assert apply_week(SCRIPT, 3).progression == SCRIPT.progression, "its say is still there"


def played(script: Script, week: int) -> Timeline:
    return compile_script(apply_week(script, week), speech=FakeSpeech(), week=week)


def test_week_changes_the_timeline_and_speaks_that_weeks_say() -> None:
    week1, week3 = played(SCRIPT, 1), played(SCRIPT, 3)
    texts1 = [e.text for e in week1.events if e.kind == "speech"]
    texts3 = [e.text for e in week3.events if e.kind == "speech"]
    assert texts1[:2] == ["Glutes.", "Week one."]
    assert "Set one of two. Thrust. Eight reps." in texts1
    assert texts3[:2] == ["Glutes.", "Week three."]
    assert "Set one of two. Thrust. Twelve reps. 10 kg." in texts3
    assert week1.work_ms == 2 * 8 * 5000 + 20_000
    assert week3.work_ms == 2 * 12 * 5000 + 20_000
    assert (week1.week, week3.week) == (1, 3)
    assert "Week one." not in [e.text for e in played(SCRIPT, 2).events]


def test_the_compiler_takes_the_script_as_played_and_applies_no_week_itself() -> None:
    """The week is applied once, before the overrides: a second application in compile
    would undo an override of a field the week also changes."""
    as_written = compile_script(SCRIPT, speech=FakeSpeech(), week=3)
    texts = [e.text for e in as_written.events if e.kind == "speech"]
    assert texts[:2] == ["Glutes.", "Week three."]
    assert "Set one of three. Thrust. Twelve reps." in texts


def test_changing_a_field_the_block_lacks_is_a_located_error() -> None:
    script = Script("p.yaml", "G", (Hold(name="Plank"),), progression=(
        ProgressionEntry(2, None, (("Plank", (("reps", 3),)),), Loc(7, 5)),))
    with pytest.raises(ScriptError) as info:
        played(script, 2)
    assert info.value.problems[0].loc == Loc(7, 5)
    assert "reps" in info.value.problems[0].message
