"""The user's folders, in one place: what voiceguide keeps where.

Found by platformdirs (so they follow ``XDG_*`` on Linux): the user's scripts and the
history are data, resume points are state, and the speech, timeline and export caches
are caches that may be deleted at any time. None of them is created here.
"""

from __future__ import annotations

from pathlib import Path

APP = "voiceguide"


def _data() -> Path:
    import platformdirs  # lazily: a warm ``play`` start counts its milliseconds

    return Path(platformdirs.user_data_dir(APP))


def _cache() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP))


def scripts_dir() -> Path:
    """The user's own scripts (``~/.local/share/voiceguide/scripts`` on Linux)."""
    return _data() / "scripts"


def history_file() -> Path:
    """The session history database (``~/.local/share/voiceguide/history.sqlite3``)."""
    return _data() / "history.sqlite3"


def voices_dir() -> Path:
    """Extra Piper voices the user adds (``~/.local/share/voiceguide/voices``)."""
    return _data() / "voices"


def resume_dir() -> Path:
    """Resume points of stopped sessions (``~/.local/state/voiceguide/resume``)."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP)) / "resume"


def speech_cache_dir() -> Path:
    """Synthesized speech clips (``~/.cache/voiceguide/speech``)."""
    return _cache() / "speech"


def timeline_cache_dir() -> Path:
    """Compiled timelines (``~/.cache/voiceguide/timelines``)."""
    return _cache() / "timelines"


def export_cache_dir() -> Path:
    """Encoded export files (``~/.cache/voiceguide/exports``)."""
    return _cache() / "exports"


def levels_cache_dir() -> Path:
    """Loudness measurements of speech clips and beeps (``~/.cache/voiceguide/levels``)."""
    return _cache() / "levels"


def music_heads_dir() -> Path:
    """The first seconds of each music track, decoded (``~/.cache/voiceguide/music-heads``)."""
    return _cache() / "music-heads"


def music_memo_file() -> Path:
    """What ffmpeg found in each music track (``~/.cache/voiceguide/music-tracks.json``)."""
    return _cache() / "music-tracks.json"
