#!/usr/bin/env bash
# Set up everything, then play the bundled hip-thrust workout; where no sound device or
# server can be opened (play exits 1), export it to hip-thrust.mp3 instead.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit
.venv/bin/voiceguide play hip-thrust "$@"
status=$?
if [ "$status" -eq 1 ]; then
  echo "quickstart: no sound output here; exporting the workout to hip-thrust.mp3 instead"
  .venv/bin/voiceguide export hip-thrust -o hip-thrust.mp3 --captions srt "$@"
  status=$?
fi
exit "$status"
