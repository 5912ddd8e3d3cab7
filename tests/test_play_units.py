"""The play session's parts without a device: play head, keys, resume points, display."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import numpy as np
import pytest

from voiceguide.adjust.overrides import Override, Overrides
from voiceguide.play.display import LineDisplay
from voiceguide.play.keys import decode
from voiceguide.play.player import BACK_AGAIN_MS, Player, play_session
from voiceguide.play.summary import finished_lines, resume_command, stopped_line
from voiceguide.play.view import SessionView
from voiceguide.script.model import BeepSettings, VoiceSettings
from voiceguide.store import history, resume
from voiceguide.timefmt import clock
from voiceguide.timeline.events import Chapter, Event, Section, Timeline

RATE = 22050


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeOutput:
    """Records what would be played; ``ends`` makes the stream stop on its own."""

    def __init__(self, samples: np.ndarray, rate: int) -> None:
        self.samples, self.rate = samples, rate
        self.starts: list[int] = []
        self.playing = False
        self.waits = 0

    def start(self, offset: int) -> None:
        self.starts.append(offset)
        self.playing = offset < len(self.samples)

    def stop(self) -> None:
        self.playing = False

    def is_playing(self) -> bool:
        return self.playing

    def wait_stopped(self) -> None:
        self.waits += 1


class RampRenderer:
    """Sample i of the session is i % 30000 + 1 (never 0), so misplaced chunks show."""

    sample_rate = RATE
    channels = 1

    def __init__(self, total_ms: int) -> None:
        self.total_samples = (total_ms * RATE + 500) // 1000

    def render(self, start_ms: int = 0, end_ms: int | None = None) -> np.ndarray:
        first = (start_ms * RATE + 500) // 1000
        last = self.total_samples if end_ms is None else (end_ms * RATE + 500) // 1000
        return (np.arange(first, last) % 30000 + 1).astype(np.int16)

    def track_name(self, at_ms: int) -> str | None:
        return None

    def close(self) -> None:
        return None


SECTIONS = (
    Section(0, 5_000, -1, "Welcome", "intro"),
    Section(5_000, 15_000, 0, "Plank: set 1 of 2", "set", set=1, work=True, name="Plank",
            of=2, reps=4, rep_ms=2_500, unit="rep"),
    Section(15_000, 25_000, 0, "Rest", "rest", set=1, name="Rest"),
    Section(25_000, 35_000, 0, "Plank: set 2 of 2", "set", set=2, work=True, name="Plank",
            of=2, reps=4, rep_ms=2_500, unit="rep"),
    Section(35_000, 40_000, -1, "Done", "outro"),
)
EVENTS = (
    Event(at_ms=0, duration_ms=1_000, kind="speech", tag="welcome", text="Test."),
    Event(at_ms=5_000, duration_ms=2_000, kind="speech", tag="set_intro", text="Set one.",
          block=0, set=1),
    Event(at_ms=8_000, duration_ms=500, kind="speech", tag="count", text="one", block=0, set=1,
          rep=1),
    Event(at_ms=9_000, duration_ms=500, kind="speech", tag="count", text="two", block=0, set=1,
          rep=2),
    Event(at_ms=14_800, duration_ms=200, kind="beep", tag="end", sound="end", block=0, set=1),
)
TIMELINE = Timeline(
    title="Test", language="en", voice=VoiceSettings(), beeps=BeepSettings(), events=EVENTS,
    sections=SECTIONS, chapters=(Chapter(0, 40_000, 0, "Plank"),), total_ms=40_000,
)


@pytest.fixture
def player():
    clock = Clock()
    with Player(TIMELINE, RampRenderer(TIMELINE.total_ms), output_factory=FakeOutput,
                clock=clock) as p:
        p.clock_ = clock
        yield p


def ms(value: int) -> int:
    return (value * RATE + 500) // 1000


def test_stream_starts_at_the_offset_and_is_filled_ahead(player) -> None:
    player.play(7_000)
    assert player.output.starts == [ms(7_000)]
    player.filler.wait_ready(39_999)
    player.filler.wait_ready(0)
    expected = RampRenderer(40_000).render()
    assert np.array_equal(player.samples, expected)


def test_the_stream_starts_at_the_nearest_sample_like_every_other_cut(player) -> None:
    player.play(1_010)  # 22270.5 samples: the floor would start one sample early
    assert player.output.starts == [ms(1_010)] == [22_271]
    player.seek(25_001)  # 551272.05: nearest is down
    assert player.output.starts[-1] == ms(25_001) == 551_272


def test_closing_again_does_nothing(player) -> None:
    player.play(0)
    player.close()
    waits = player.output.waits
    player.close()
    assert player.output.waits == waits


def test_pause_freezes_the_play_head_and_resume_restarts_there(player) -> None:
    player.play(6_000)
    player.clock_.now += 2.5
    player.pause()
    assert not player.output.playing
    player.clock_.now += 60
    assert player.position_ms() == 8_500
    player.toggle()
    assert player.output.starts[-1] == ms(8_500)
    assert np.array_equal(player.samples[ms(8_500):ms(9_500)],
                          RampRenderer(40_000).render(8_500, 9_500)), "muted span restored"


def test_pausing_mutes_what_the_device_might_still_read(player) -> None:
    player.play(6_000)
    player.filler.wait_ready(7_000)
    player.clock_.now += 1.0
    player.pause()
    assert not player.samples[ms(7_000):ms(8_000)].any()


def test_skip_and_back_move_by_sections(player) -> None:
    player.play(6_000)
    player.skip()
    assert player.position_ms() == 15_000
    player.clock_.now += BACK_AGAIN_MS / 1000 + 1
    player.back()
    assert player.position_ms() == 15_000, "back: start of this section"
    player.back()
    assert player.position_ms() == 5_000, "back again at once: the previous section"
    player.seek(36_000)
    player.skip()
    assert player.position_ms() == 40_000
    assert player.finished()


def test_a_stream_that_stops_early_is_a_device_fault(player) -> None:
    from voiceguide.errors import AudioDeviceError

    player.play(0)
    player.clock_.now += 3
    player.output.playing = False
    with pytest.raises(AudioDeviceError, match="--resume"):
        player.finished()
    assert player.resume_ms() == 0


def test_the_end_of_the_stream_finishes(player) -> None:
    player.play(30_000)
    player.clock_.now += 10
    player.output.playing = False
    assert player.finished()


class ScriptedKeys:
    def __init__(self, player, script) -> None:
        self.player, self.script = player, list(script)

    def read(self, timeout_s: float) -> str | None:
        self.player.clock_.now += timeout_s
        return self.script.pop(0) if self.script else "q"


def test_session_loop_runs_keys_and_reports_sections(player) -> None:
    seen: list[int] = []
    keys = ScriptedKeys(player, ["n", "n", None, "space", None, "space"])
    lines = io.StringIO()
    player.play(5_000)
    finished = play_session(player, SessionView(TIMELINE), LineDisplay(lines), keys,
                            on_section=seen.append)
    assert not finished
    assert seen == [5_000, 15_000, 25_000]
    assert lines.getvalue().splitlines() == [
        "Test", "0:05 Plank: set 1 of 2", "0:15 Rest", "0:25 Plank: set 2 of 2"]


def test_status_knows_part_counts_speech_and_next() -> None:
    status = SessionView(TIMELINE).status(9_200)
    assert (status.name, status.phase, status.counts) == ("Plank", "work",
                                                          ("set 1 of 2", "rep 2 of 4"))
    assert (status.part_ms, status.part_left_ms) == (10_000, 5_800)
    assert (status.saying, status.speaking) == ("two", True)
    assert status.next_up is not None
    assert (status.next_up.name, status.next_up.length_ms) == ("Rest", 10_000)
    assert status.remaining_ms == 30_800
    later = SessionView(TIMELINE).status(9_600)
    assert (later.saying, later.speaking) == ("two", False)
    rest = SessionView(TIMELINE).status(16_000)
    assert (rest.phase, rest.counts, rest.saying) == ("rest", (), "")
    assert rest.next_up is not None and rest.next_up.counts == ("set 2 of 2",)
    assert SessionView(TIMELINE).status(34_999).counts == ("set 2 of 2", "rep 4 of 4")


def test_keys_decode_letters_space_and_arrows() -> None:
    assert decode(b" nB\x1b[C\x1b[Dq") == ["space", "n", "b", "right", "left", "q"]


def test_clock_format() -> None:
    assert (clock(0), clock(61_999), clock(3_600_000)) == ("0:00", "1:01", "1:00:00")
    assert (clock(61_999, 1), clock(3_723_004, 3)) == ("1:01.9", "1:02:03.004")


def test_resume_points_are_per_script_and_week(tmp_path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    resume.save(a, 2, resume.ResumePoint(15_000, "Rest"))
    assert [p.name for p in resume.resume_dir().iterdir()] == [resume.resume_file(a, 2).name], \
        "the point alone: no temp file (.NAME.part-*) left"
    assert resume.load(a, 2) == resume.ResumePoint(15_000, "Rest")
    assert resume.load(a, None) is None
    assert resume.load(b, 2) is None
    resume.clear(a, 2)
    assert resume.load(a, 2) is None
    assert list(resume.resume_dir().iterdir()) == []


def test_a_damaged_resume_file_is_ignored(tmp_path) -> None:
    script = tmp_path / "a.yaml"
    path = resume.resume_file(script, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert resume.load(script, None) is None


def test_the_resume_command_gives_the_same_week_and_overrides_again() -> None:
    overrides = Overrides(fields=(Override("--sets", "sets", "3"),
                                  Override.from_set("Hip thrust.reps=10")), rate=150)
    assert overrides.options() == ("--sets", "3", "--set", "Hip thrust.reps=10",
                                   "--rate", "150")
    assert resume_command("my workout.yaml", 3, overrides.options()) == (
        "voiceguide play 'my workout.yaml' --week 3 --sets 3 --set 'Hip thrust.reps=10' "
        "--rate 150 --resume")
    assert resume_command("hip-thrust", None) == "voiceguide play hip-thrust --resume"


def test_summary_says_where_it_stopped_and_what_a_finished_session_did() -> None:
    line = stopped_line(TIMELINE, at_ms=27_000, resume_ms=25_000,
                        command="voiceguide play t --resume")
    assert line == ("Stopped in Plank: set 2 of 2 at 0:27 of 0:40, 1 of 2 sets done. "
                    "Resume with: voiceguide play t --resume")
    start = datetime(2026, 1, 2, 7, 30)
    session = history.Session(script="/t.yaml", title="Test", week=None, started_at=start,
                              ended_at=start + timedelta(seconds=45), completed=True,
                              skipped=("Rest",))
    assert finished_lines(TIMELINE, session) == [
        "Workout complete: Test. Work 0:20, rest 0:10, time 0:45, 1 skipped.",
        "History: 2026-01-02 07:30  0:45  Test  week -  completed"]
