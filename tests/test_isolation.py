"""Each test has user folders of its own (tests/conftest.py): what one test leaves in the
history, resume points, scripts or caches, the next does not see. Only the speech cache
is shared. The two tests run in file order: the second checks the first left nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from voiceguide import paths
from voiceguide.store import history, resume

SCRIPT = Path("/nowhere/isolation.yaml")
FOLDERS = (paths.history_file, paths.resume_dir, paths.scripts_dir, paths.timeline_cache_dir,
           paths.export_cache_dir)


def test_a_leaves_something_in_every_folder(shared_speech_cache: Path) -> None:
    history.record(history.Session(str(SCRIPT), "I", 1, datetime(2026, 1, 1),
                                   datetime(2026, 1, 1), True))
    resume.save(SCRIPT, 1, resume.ResumePoint(at_ms=1000, label="Rest"))
    for folder in (paths.scripts_dir(), paths.timeline_cache_dir(), paths.export_cache_dir()):
        folder.mkdir(parents=True)
        (folder / "left-behind").write_text("x", encoding="utf-8")
    (paths.speech_cache_dir() / "isolation-marker").write_text("x", encoding="utf-8")
    assert history.last_completed_week(str(SCRIPT)) == 1
    assert resume.load(SCRIPT, 1) is not None


def test_b_sees_none_of_it_but_the_speech_cache(shared_speech_cache: Path) -> None:
    assert all(not where().exists() for where in FOLDERS)
    assert history.sessions() == []
    assert resume.load(SCRIPT, 1) is None
    assert paths.speech_cache_dir().resolve() == shared_speech_cache.resolve()
    assert (shared_speech_cache / "isolation-marker").exists()
    (shared_speech_cache / "isolation-marker").unlink()
