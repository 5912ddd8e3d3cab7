"""The timeline cache: a hit is the compiled timeline, anything that decides it misses."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fakes import FakeSpeech
from voiceguide import app
from voiceguide.adjust.overrides import Override, Overrides
from voiceguide.app import load_timeline
from voiceguide.cli import main
from voiceguide.store import history
from voiceguide.store import timelines as timeline_cache
from voiceguide.store.library import bundled_scripts
from voiceguide.store.timelines import TimelineCache

SCRIPT = """\
workout: Cache test
blocks:
  - exercise: Squat
    sets: 2
    reps: 3
    tempo: 1-0-1
    rest: 10s
progression:
  - week: 1
    set:
      Squat: {reps: 2}
  - week: 2
    set:
      Squat: {reps: 4}
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "cache-test.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The scripts compiled (cache misses), by reference."""
    seen: list[str] = []
    real = app.build_timeline

    def counting(ref: str, **kwargs: object):
        seen.append(ref)
        return real(ref, **kwargs)

    monkeypatch.setattr(app, "build_timeline", counting)
    return seen


def load(script: Path, cache: TimelineCache, speech: object = None, **kwargs: object):
    options = {"week": None, **kwargs}
    return load_timeline(str(script), speech=speech or FakeSpeech(), cache=cache, **options)


def test_a_hit_is_the_same_timeline_without_compiling(
        script: Path, tmp_path: Path, compiles: list[str]) -> None:
    cache = TimelineCache(tmp_path / "timelines")
    first = load(script, cache)
    again = load(script, cache)
    assert len(compiles) == 1
    assert again == first
    assert again.warnings == first.warnings
    assert len(list(cache.folder.glob("*.json"))) == 1


def test_script_week_overrides_and_history_each_miss(
        script: Path, tmp_path: Path, compiles: list[str]) -> None:
    cache = TimelineCache(tmp_path / "timelines")
    base = load(script, cache)
    week2 = load(script, cache, week=2)
    fewer = load(script, cache, overrides=Overrides(fields=(Override("--reps", "reps", "1"),)))
    assert len(compiles) == 3
    assert len(week2.events) > len(base.events) > len(fewer.events)
    script.write_text(SCRIPT.replace("Squat", "Lunge"), encoding="utf-8")
    assert "Lunge" in [c.title for c in load(script, cache).chapters]
    assert len(compiles) == 4

    assert load(script, cache, week="next").week == 1
    history.record(history.Session(
        script=str(script.resolve()), title="Cache test", week=1,
        started_at=datetime(2026, 11, 25, 7), ended_at=datetime(2026, 11, 25, 8),
        completed=True))
    assert load(script, cache, week="next").week == 2
    assert len(compiles) == 6


def test_changed_speech_lengths_compile_again(
        script: Path, tmp_path: Path, compiles: list[str]) -> None:
    cache = TimelineCache(tmp_path / "timelines")
    short = load(script, cache, speech=FakeSpeech(ms_per_char=40))
    longer = load(script, cache, speech=FakeSpeech(ms_per_char=45))
    assert len(compiles) == 2
    assert longer.total_ms > short.total_ms


def test_a_damaged_entry_is_compiled_again_and_replaced(
        script: Path, tmp_path: Path, compiles: list[str]) -> None:
    cache = TimelineCache(tmp_path / "timelines")
    first = load(script, cache)
    (entry,) = cache.folder.glob("*.json")
    entry.write_bytes(entry.read_bytes()[:100])
    assert load(script, cache) == first
    assert load(script, cache) == first
    assert len(compiles) == 2


def test_unwritable_folder_still_plays(script: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert load(script, TimelineCache(blocker / "timelines")).title == "Cache test"


def test_a_script_that_cannot_be_read_is_reported_not_a_traceback(tmp_path: Path) -> None:
    """The key reads the script: a read error there is the parser's located problem."""
    unreadable = tmp_path / "unreadable.yaml"
    unreadable.symlink_to("/proc/self/mem")  # a regular file whose reading fails (EIO)
    result = CliRunner().invoke(main, ["show", str(unreadable)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{unreadable}:1:1: error: cannot read the script: " \
                            "Input/output error\n"


@pytest.mark.engine
def test_list_goes_through_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     compiles: list[str]) -> None:
    monkeypatch.setattr(app, "timeline_cache_dir", lambda: tmp_path / "timelines")
    first = CliRunner().invoke(main, ["list"])
    assert first.exit_code == 0, first.output
    listed = len(compiles)
    assert listed >= len(bundled_scripts())
    again = CliRunner().invoke(main, ["list"])
    assert (again.exit_code, again.output) == (0, first.output)
    assert len(compiles) == listed, "the second list compiles nothing"


def test_a_dangling_link_among_the_compiling_code_is_passed_over(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site" / "vg_stamp_probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "gone.py").symlink_to(tmp_path / "nowhere.py")
    monkeypatch.syspath_prepend(str(package.parent))
    monkeypatch.setattr(timeline_cache, "COMPILING_PACKAGES", ("vg_stamp_probe",))
    timeline_cache.code_stamp.cache_clear()
    try:
        names = [Path(name).name for name, _, _ in timeline_cache.code_stamp()]
    finally:
        timeline_cache.code_stamp.cache_clear()
    assert "__init__.py" in names and "gone.py" not in names


def test_least_recently_used_entries_go_first(
        script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeline_cache, "MAX_ENTRIES", 2)
    cache = TimelineCache(tmp_path / "timelines")
    load(script, cache, week=1)
    load(script, cache, week=2)
    load(script, cache, week=1)  # a hit: now the most recently used
    load(script, cache)
    kept = {t.week for t in (cache.load(p.stem, FakeSpeech())
                             for p in cache.folder.glob("*.json"))}
    assert kept == {1, None}


@pytest.mark.engine
def test_a_hit_imports_no_parser_or_compiler(script: Path, tmp_path: Path) -> None:
    """What the cache is for: ``play`` starts its sound without these imports (and with
    the speech cache warm, without loading Piper or its model: the script is English)."""
    cache = tmp_path / "timelines"
    slow = ("yaml", "num2words", "voiceguide.script.parse", "voiceguide.compile.compiler",
            "piper", "onnxruntime", "importlib.metadata")
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from voiceguide.speech.engine import EngineSpeech\n"
        "from voiceguide.app import load_timeline\n"
        "from voiceguide.store.timelines import TimelineCache\n"
        f"load_timeline({str(script)!r}, week=None, speech=EngineSpeech(),\n"
        f"              cache=TimelineCache(Path({str(cache)!r})))\n"
        f"print(' '.join(m for m in {slow!r} if m in sys.modules))\n"
    )
    miss, hit = (subprocess.run([sys.executable, "-c", program], capture_output=True,
                                text=True, check=True).stdout.split() for _ in range(2))
    assert set(slow[:4]) <= set(miss)
    assert hit == []
