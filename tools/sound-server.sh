#!/usr/bin/env bash
# Start or stop a PulseAudio server with one null sink ("vsink"): a real sound server
# without sound hardware, for CI, tests and benchmarks. What is played can be recorded
# from vsink.monitor (parec -d vsink.monitor --latency-msec=10).
#
# usage: tools/sound-server.sh start|stop|status [DIR]
#   DIR  run an isolated server whose socket, pid and state live in DIR; clients reach
#        it with PULSE_RUNTIME_PATH=DIR (tests start one each, so killing it is safe).
#        Without DIR: the user's default server, found by every client as usual.
#
# ALSA programs (simpleaudio) reach the server through libasound2-plugins: Debian's
# /etc/alsa/conf.d/99-pulse.conf makes "default" the pulse plugin whenever a server
# runs. Where no such config exists, start writes /etc/asound.conf (root only).
set -euo pipefail

command=${1:-}
dir=${2:-}
if [ -n "$dir" ]; then
  mkdir -p "$dir/state"
  dir=$(cd "$dir" && pwd)
  export PULSE_RUNTIME_PATH="$dir" PULSE_STATE_PATH="$dir/state"
fi

alsa_route() {
  if compgen -G "/etc/alsa/conf.d/*pulse*.conf" >/dev/null || [ -e /etc/asound.conf ] \
     || [ -e "$HOME/.asoundrc" ]; then
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "sound-server: no ALSA config routes to PulseAudio; install libasound2-plugins" >&2
    return
  fi
  printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >/etc/asound.conf
  echo "sound-server: wrote /etc/asound.conf (ALSA default -> PulseAudio)"
}

running() { pactl info >/dev/null 2>&1; }

case "$command" in
  start)
    alsa_route
    if running; then
      echo "sound-server: already running"
      exit 0
    fi
    # -n: no default.pa, so no hardware modules; never exit while idle; clients need
    # no cookie. pulseaudio -D returns once the daemon is ready.
    pulseaudio -D -n --exit-idle-time=-1 --log-target=stderr --log-level=error \
      --load="module-null-sink sink_name=vsink" \
      --load="module-native-protocol-unix auth-anonymous=1" 2>/dev/null
    if ! running; then
      echo "sound-server: pulseaudio started but does not answer" >&2
      exit 1
    fi
    pactl set-default-sink vsink
    echo "sound-server: running${dir:+ in $dir} (sink vsink, monitor vsink.monitor)"
    ;;
  stop)
    if running; then
      pulseaudio --kill
    fi
    ;;
  status)
    running && pactl info | grep -E '^(Server String|Default Sink):'
    ;;
  *)
    echo "usage: $0 start|stop|status [DIR]" >&2
    exit 2
    ;;
esac
