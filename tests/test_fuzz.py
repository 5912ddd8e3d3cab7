"""A few thousand mutated scripts (tests/fuzz_scripts.py) through parse, weeks,
overrides and compile: no exception but a reported error, no script over 5 s, and
the whole run under 200 MB resident.

The run is a child process, so the limits are enforced and measured there, apart from
this test process. ``VOICEGUIDE_FUZZ_SEED`` and ``VOICEGUIDE_FUZZ_COUNT`` change the
seed (to explore) and the number of scripts; CI runs the fixed seed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fuzz_scripts import SCRIPT_TIMEOUT_S

ROOT = Path(__file__).parent.parent
MAX_RSS_MB = 200


def test_mutated_scripts_never_crash_hang_or_bloat() -> None:
    seed = os.environ.get("VOICEGUIDE_FUZZ_SEED", "14")
    count = int(os.environ.get("VOICEGUIDE_FUZZ_COUNT", "3000"))
    done = subprocess.run([sys.executable, "-m", "tests.fuzz_scripts", seed, str(count)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    shown = "\n\n".join(f"{f['error']}\nscript:\n{f['script']}" for f in report["failures"])
    assert report["failed"] == 0, f"{report['failed']} scripts failed; first ones:\n{shown}"
    assert report["checked"] == count
    assert report["slowest_s"] < SCRIPT_TIMEOUT_S
    assert report["peak_rss_mb"] < MAX_RSS_MB, report
