"""Test-wide setup: every test gets user folders of its own in a temp dir.

History, resume points, the user's scripts and the timeline and export caches are the
test's own, so no test sees what another left behind. Only the speech cache is shared
by the whole session (linked into each test's cache folder), so the real engine
synthesizes each text once. Nothing touches the developer's own folders; the ``XDG_*``
variables reach the commands tests run as subprocesses too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from voiceguide import paths

XDG = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME")


@pytest.fixture(scope="session")
def shared_speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech-cache")


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory: pytest.TempPathFactory, shared_speech_cache: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    base = tmp_path_factory.mktemp("xdg")
    for name in XDG:
        monkeypatch.setenv(name, str(base / name.lower()))
    speech = paths.speech_cache_dir()
    speech.parent.mkdir(parents=True)
    speech.symlink_to(shared_speech_cache, target_is_directory=True)
    yield


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
