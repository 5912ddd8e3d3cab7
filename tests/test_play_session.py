"""A played session's keeping, however it ends, without a device: the resume point, the
history row, and the first error kept when the keeping fails too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_play_units import TIMELINE, FakeOutput, RampRenderer
from voiceguide.cli.options import run_errors
from voiceguide.play.session import Session
from voiceguide.store import history, resume

SET_1 = TIMELINE.sections[1]


class DeadOutput(FakeOutput):
    """A device that stops as soon as it starts: the sound server went away."""

    def start(self, offset: int) -> None:
        super().start(offset)
        self.playing = False


class Keys:
    """A person at the keys: ``q`` to quit, or Ctrl-C."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> Keys:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def read(self, timeout_s: float) -> str | None:
        if self.key == "ctrl-c":
            raise KeyboardInterrupt
        return self.key


@pytest.fixture(autouse=True)
def own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's own resume points and history."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def script(tmp_path: Path) -> Path:
    return tmp_path / "session.yaml"


@pytest.fixture
def unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the resume points nor the history can be written."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))


def session(script: Path, start_ms: int = 0) -> Session:
    return Session(script, TIMELINE, RampRenderer(TIMELINE.total_ms), start_ms)


def run(script: Path, capsys: pytest.CaptureFixture[str], output: type[FakeOutput],
        key: str, start_ms: int = 0) -> tuple[int, list[str]]:
    """The exit status and the error lines of a session run as ``play`` runs it."""
    with pytest.raises(SystemExit) as exit_, run_errors():
        session(script, start_ms).run(quiet=True, output_factory=output,
                                      keys=lambda: Keys(key))
    return int(exit_.value.code or 0), capsys.readouterr().err.splitlines()


def test_quitting_keeps_the_section_for_resume_and_a_history_row(script: Path) -> None:
    assert not session(script, SET_1.start_ms + 2_000).run(
        quiet=True, output_factory=FakeOutput, keys=lambda: Keys("q"))
    assert resume.load(script, None) == resume.ResumePoint(SET_1.start_ms, SET_1.label)
    (row,) = history.sessions(script=str(script.resolve()))
    assert (row.completed, row.stopped_at_ms, row.stopped_in) == (
        False, SET_1.start_ms, SET_1.label)


def test_a_device_fault_keeps_its_hint_and_status_when_the_keeping_fails_too(
        script: Path, unwritable: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(script, capsys, DeadOutput, "q")
    assert status == 1
    assert lines[0].startswith("error: the audio output stopped"), lines
    assert "--resume" in lines[0]
    assert lines[1].startswith("error: cannot save the resume point"), lines
    assert lines[2].startswith("error: cannot ") and "history" in lines[2], lines
    assert len(lines) == 3


def test_ctrl_c_exits_130_when_the_keeping_fails_too(
        script: Path, unwritable: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(script, capsys, FakeOutput, "ctrl-c")
    assert status == 130
    assert lines[0] == "interrupted"
    assert lines[1].startswith("error: cannot save the resume point"), lines
    assert lines[2].startswith("error: cannot ") and "history" in lines[2], lines
    assert len(lines) == 3


def test_ctrl_c_keeps_the_session(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(script, capsys, FakeOutput, "ctrl-c", SET_1.start_ms)
    assert (status, lines) == (130, ["interrupted"])
    assert resume.load(script, None) == resume.ResumePoint(SET_1.start_ms, SET_1.label)
    assert len(history.sessions(script=str(script.resolve()))) == 1


def test_a_resume_point_that_cannot_be_saved_stops_no_workout_and_is_reported(
        script: Path, unwritable: None, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(script, capsys, FakeOutput, "q")
    assert status == 1
    assert lines[0].startswith("error: cannot save the resume point"), lines
    assert lines[1].startswith("error: cannot ") and "history" in lines[1], lines
    assert len(lines) == 2



class StuckMusic(RampRenderer):
    """A renderer whose music decoders cannot be stopped."""

    def close(self) -> None:
        raise OSError(5, "Input/output error")


def test_music_that_cannot_be_stopped_is_reported_after_ctrl_c(
        script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = Session(script, TIMELINE, StuckMusic(TIMELINE.total_ms))
    with pytest.raises(SystemExit) as exit_, run_errors():
        session.run(quiet=True, output_factory=FakeOutput, keys=lambda: Keys("ctrl-c"))
    assert exit_.value.code == 130
    assert capsys.readouterr().err.splitlines() == [
        "interrupted", "error: cannot stop the music: [Errno 5] Input/output error"]
    assert len(history.sessions(script=str(script.resolve()))) == 1, "kept all the same"
