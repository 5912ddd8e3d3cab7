"""``voiceguide history``: the sessions you played, newest first."""

from __future__ import annotations

import click

from voiceguide.cli.options import run_errors
from voiceguide.cli.show import clock
from voiceguide.cli.table import aligned
from voiceguide.store import history as store
from voiceguide.store.library import resolve_script


def outcome(session: store.Session) -> str:
    if session.completed:
        return "completed"
    where = f" in {session.stopped_in}" if session.stopped_in else ""
    at = f" at {clock(session.stopped_at_ms)}" if session.stopped_at_ms is not None else ""
    return f"stopped{where}{at}"


@click.command()
@click.argument("script", metavar="[SCRIPT]", required=False)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many sessions to show.")
def history(script: str | None, limit: int) -> None:
    """Show the sessions you played: when, which week, completed or where you stopped.

    With SCRIPT, only that script's sessions. `voiceguide play SCRIPT --week next`
    plays the week after the last one you completed.

    \b
    Examples:
      voiceguide history
      voiceguide history hip-thrust --limit 5
    """
    with run_errors():
        key = str(resolve_script(script).resolve()) if script else None
        found = store.sessions(script=key, limit=limit)
    if not found:
        click.echo("no sessions played yet")
        return
    rows = [("STARTED", "LENGTH", "WORKOUT", "WEEK", "RESULT", "SKIPPED")]
    for s in found:
        length = clock(int((s.ended_at - s.started_at).total_seconds() * 1000))
        rows.append((s.started_at.strftime("%Y-%m-%d %H:%M"), length, s.title,
                     str(s.week or "-"), outcome(s), str(len(s.skipped))))
    for line in aligned(rows):
        click.echo(line)
