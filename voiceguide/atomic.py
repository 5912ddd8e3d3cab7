"""Output files appear complete or not at all: write a hidden temp file, then rename.

The temp file sits in the target's folder (so the rename is atomic on one file system)
and is named ``.NAME.part-XXXX`` so an interrupted write is never mistaken for the
result. It is removed on any exception, Ctrl-C included.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from voiceguide.errors import OutputError


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target`` in one rename."""
    target = Path(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.part-", dir=target.parent or ".")
    except OSError as exc:
        raise OutputError(f"cannot write in {target.parent}: {exc.strerror}") from exc
    os.close(fd)
    temp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    temp.chmod(0o666 & ~umask)
    try:
        yield temp
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)


def atomic_write_text(target: Path, text: str) -> None:
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
