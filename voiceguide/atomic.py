"""Output files appear complete or not at all: write a hidden temp file, then rename.

The temp file sits in the target's folder (so the rename is atomic on one file system)
and is named ``.NAME.part-XXXX`` (NAME cut so the temp name fits in 255 bytes) so an
interrupted write is never mistaken for the result. It is removed on any exception,
Ctrl-C included; one that a SIGKILL left behind is removed by the next write to the
same target. A writer holds an exclusive ``flock`` on its temp file while it writes,
so only temp files whose writer is gone are removed, never a concurrent writer's.

Only regular files are replaced. A target that is a symlink is written through: the
file it names is replaced and the link stays, as ``cp`` and editors do. A target that
is a device, FIFO, socket or folder is refused (``/dev/full`` stays a device, even for
root).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from voiceguide.errors import OutputError, UsageError

NAME_MAX = 255
"""Longest file name in bytes on the common Linux file systems."""
_PART = ".part-"


@contextmanager
def atomic_path(target: Path, *, tidy: bool = True) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target`` in one rename.

    The temp name is chosen before the file is created inside the ``try``, so a Ctrl-C
    at any moment, even while the file is being created, leaves nothing behind.
    ``tidy``: first remove temp files of ``target`` that a killed writer left (this
    lists the folder: the speech cache, with thousands of entries written one by one,
    passes False).
    """
    target = writable_target(Path(target))
    if tidy:
        remove_abandoned(target)
    temp = target.parent / f"{_temp_prefix(target.name)}{secrets.token_hex(6)}"
    fd = -1
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield temp
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        if fd >= 0:
            os.close(fd)
        with suppress(OSError):  # never created, or a file system that refuses even this
            temp.unlink()


def writable_target(target: Path) -> Path:
    """The path to replace for ``target``: the file a symlink names, followed to the
    end; UsageError when that is not a regular file (or nothing yet)."""
    try:
        resolved = target.resolve() if target.is_symlink() else target
        mode = os.stat(resolved).st_mode
    except FileNotFoundError:
        return resolved
    except ValueError:
        raise UsageError(f"{target!r} is not a file name (it holds a NUL character)") from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise OutputError(f"cannot write {target}: {getattr(exc, 'strerror', None) or exc}"
                          ) from exc
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a device, FIFO or socket"
        raise UsageError(f"{target} is {kind}, not a file: refusing to replace it")
    return resolved


def remove_abandoned(target: Path) -> None:
    """Remove temp files of ``target`` left by a writer that was killed (unlocked ones)."""
    prefix = _temp_prefix(target.name)
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        path = target.parent / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()
        except OSError:  # locked: its writer is still at work
            pass
        finally:
            os.close(fd)


def discard(path: Path) -> None:
    """Remove whatever is at ``path`` (a file, a link, a whole folder), quietly: how the
    caches clear a damaged entry that a rename could not replace."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def _temp_prefix(name: str) -> str:
    """``.NAME.part-``, NAME cut (whole characters) so 12 hex digits still fit."""
    room = NAME_MAX - len(f".{_PART}".encode()) - 12
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}{_PART}"


def atomic_write_text(target: Path, text: str) -> None:
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
