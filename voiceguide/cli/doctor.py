"""``voiceguide doctor``: is everything in place to play and export?"""

from __future__ import annotations

import sys

import click

from voiceguide.doctor import run_checks


@click.command()
def doctor() -> None:
    """Check the speech engines (eSpeak NG; Piper and its voices), a voice for each
    language, the audio output, ffmpeg and the speech cache folder; say how to fix
    each failure. A warning (such as Piper not installed) still passes.

    Exit status 0 when all pass, 1 otherwise.

    \b
    Example:
      voiceguide doctor
    """
    checks = run_checks()
    for check in checks:
        status = "FAIL" if not check.ok else "warn" if check.warn else "ok"
        click.echo(f"{status:<5} {check.name}: {check.detail}")
        if not check.ok or check.warn:
            click.echo(f"      fix: {check.fix}")
    failed = sum(not c.ok for c in checks)
    click.echo("all checks passed" if not failed else f"{failed} check(s) failed")
    sys.exit(1 if failed else 0)
