"""Output files appear complete or not at all: write a hidden temp file, then rename.

The temp file sits in the target's folder (so the rename is atomic on one file system)
and is named ``.NAME.part-XXXX`` so an interrupted write is never mistaken for the
result. It is removed on any exception, Ctrl-C included.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from voiceguide.errors import OutputError


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target`` in one rename.

    The temp name is chosen before the file is created inside the ``try``, so a Ctrl-C
    at any moment, even while the file is being created, leaves nothing behind.
    """
    target = Path(target)
    temp = target.parent / f".{target.name}.part-{secrets.token_hex(6)}"
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        yield temp
        os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)


def atomic_write_text(target: Path, text: str) -> None:
    with atomic_path(target) as temp:
        temp.write_text(text, encoding="utf-8")
