"""Loudness measured as a listener's player would: ffmpeg's ebur128 on a finished file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TOLERANCE_LU = 1.0


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) as ffmpeg measures them."""
    result = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(path),
                             "-af", "ebur128=peak=true", "-f", "null", "-"],
                            capture_output=True, text=True, check=True)
    summary = result.stderr[result.stderr.rindex("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))
