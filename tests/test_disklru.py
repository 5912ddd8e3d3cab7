"""The one eviction rule of the disk caches (voiceguide/disklru.py)."""

from __future__ import annotations

import os
from pathlib import Path

from voiceguide.disklru import prune, touch


def _entry(folder: Path, key: str, used_s: int, *suffixes: str, size: int = 10) -> None:
    for suffix in suffixes or (".json",):
        path = folder / f"{key}{suffix}"
        path.write_bytes(b"x" * size)
        os.utime(path, (used_s, used_s))


def test_least_recently_used_entries_go_first(tmp_path: Path) -> None:
    for i, key in enumerate("abcd"):
        _entry(tmp_path, key, 1000 + i)
    touch(tmp_path / "a.json")  # used now: the newest
    assert prune(tmp_path, max_entries=2) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "d.json"]


def test_an_entry_is_all_its_files_by_size_and_newest_use(tmp_path: Path) -> None:
    _entry(tmp_path, "old", 1000, ".json", ".mp3", size=40)
    _entry(tmp_path, "new", 2000, ".json", ".mp3", size=40)
    os.utime(tmp_path / "old.json", (3000, 3000))  # its record was used last
    assert prune(tmp_path, max_bytes=100) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json", "old.mp3"]


def test_files_of_no_entry_and_a_missing_folder_are_left_alone(tmp_path: Path) -> None:
    _entry(tmp_path, "a", 1000)
    (tmp_path / ".a.json.part-123456").write_text("writing", encoding="utf-8")
    assert prune(tmp_path, max_entries=0) == 1
    assert [p.name for p in tmp_path.iterdir()] == [".a.json.part-123456"]
    assert prune(tmp_path / "none", max_entries=0) == 0
