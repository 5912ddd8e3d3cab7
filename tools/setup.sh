#!/usr/bin/env bash
# Set up everything voiceguide and its tests need on Debian/Ubuntu: system packages
# (speech engine, ffmpeg, sound server, ALSA) and a virtual environment in .venv.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(espeak-ng ffmpeg libasound2-dev libasound2-plugins pulseaudio pulseaudio-utils
          alsa-utils gcc python3-dev python3-venv)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install: ${missing[*]} (no apt-get here)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# Bytecode now, as pip does for an installed package: with PYTHONDONTWRITEBYTECODE set
# every start would compile every module again (0.1 s before play's first sound).
.venv/bin/python -m compileall -q voiceguide >/dev/null
echo "setup: ready (.venv/bin/voiceguide)"
