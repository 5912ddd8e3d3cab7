#!/usr/bin/env bash
# Run every check on a real speech engine, real ffmpeg and a real (null-sink) PulseAudio
# server; sets everything up first. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s ==\n' "$*"; }
step "setup"
bash tools/setup.sh
# Stop the sound server on exit if this run started it (one already running is kept).
if ! bash tools/sound-server.sh status >/dev/null 2>&1; then
  bash tools/sound-server.sh start
  trap 'bash tools/sound-server.sh stop; echo "test: stopped the sound server it started"' EXIT
fi
step "ruff (lint)"
.venv/bin/ruff check voiceguide tests bench tools
step "mypy (types, configured in pyproject.toml)"
.venv/bin/mypy
step "pytest"
.venv/bin/pytest "$@"
