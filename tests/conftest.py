"""Test-wide setup: user folders (speech cache, resume points, history) in a temp dir.

The speech cache is shared by the whole session so the real engine synthesizes each
text once; nothing touches the developer's own folders.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    base = tmp_path_factory.mktemp("xdg")
    names = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ[name] = str(base / name.lower())
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def sound_server() -> Iterator[object]:
    """A running PulseAudio null-sink server of this test's own (see tests/sound.py).

    Its folder is short on purpose: a unix socket path must stay under 108 bytes.
    """
    import shutil
    import tempfile
    from pathlib import Path

    from tests.sound import SoundServer

    server = SoundServer(Path(tempfile.mkdtemp(prefix="vg-pulse-")))
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)
