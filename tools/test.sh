#!/usr/bin/env bash
# Run the whole test suite on a real speech engine, real ffmpeg and a real (null-sink)
# PulseAudio server; sets everything up first. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/sound-server.sh start
.venv/bin/ruff check voiceguide tests bench tools
.venv/bin/pytest "$@"
