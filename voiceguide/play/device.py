"""The sound device, behind a small adapter: one simpleaudio stream of a shared buffer.

simpleaudio is imported on first use, so a missing library or device is an
``AudioDeviceError`` at the point of use. simpleaudio reads the buffer it is given in
place while it plays (measured: samples written after ``play_buffer`` returned are
heard), so a session plays one preallocated buffer that a render thread fills ahead of
the play head. Every ``play_buffer`` call pays the device's start latency, so a stream
is only (re)started to begin, resume or seek, never per cue.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import time
from typing import Any

import numpy as np

from voiceguide.errors import AudioDeviceError
from voiceguide.pcm import Pcm

EXPORT_HINT = "to listen without a sound device, write the session to a file: voiceguide export"
PROBE_MS = 20
PULSE_LATENCY_MS = 250
"""Buffer asked of PulseAudio/PipeWire (ms) unless PULSE_LATENCY_MSEC is set. simpleaudio's
own 100 ms ALSA buffer underruns when the CPU is busy, and an underrun delays every
later cue (measured: about 1 s on a loaded 2-core machine); 250 ms held under the same
load. The price: a stop is heard up to this much later."""
DRAIN_TIMEOUT_S = 10.0
"""How long a stopped stream may take to let go of the buffer. A drain is 0.1-0.3 s, but a
busy machine or a fresh sound server can take seconds; past this, a sound server that
never answers does not hang the command."""
POLL_S = 0.005

_STREAMS: list[Any] = []
"""Every stream started, until it is seen done. Each has a thread of simpleaudio's own
(detached: it cannot be joined) that writes the buffer, drains and closes the device,
then releases the buffer; only then does ``is_playing`` turn False. A thread still in
the drain when the process exits crashes it (SIGSEGV, in the sound library's teardown):
the probe's stream was never waited for, so a quick exit (``q`` typed as play started,
a bad script) could leave it draining. ``_wait_all`` runs at exit and waits for them."""


def _simpleaudio() -> Any:
    try:
        import simpleaudio
    except ImportError as exc:
        raise AudioDeviceError(
            f"simpleaudio is not installed ({exc}); pip install simpleaudio-patched, "
            f"or {EXPORT_HINT}"
        ) from exc
    _quiet_alsa()
    os.environ.setdefault("PULSE_LATENCY_MSEC", str(PULSE_LATENCY_MS))
    return simpleaudio


def _wait_done(streams: list[Any], timeout_s: float) -> list[Any]:
    """Wait (at most ``timeout_s``) until ``streams`` are done; those still playing."""
    deadline = time.monotonic() + timeout_s
    while True:
        streams = [p for p in streams if p.is_playing()]
        if not streams or time.monotonic() >= deadline:
            return streams
        time.sleep(POLL_S)


def _wait_all() -> None:
    """At exit: stop every stream still playing and wait until each thread is done."""
    for stream in _STREAMS:
        stream.stop()
    _STREAMS[:] = _wait_done(_STREAMS, DRAIN_TIMEOUT_S)


atexit.register(_wait_all)


_ALSA_HANDLER: Any = None


def _quiet_alsa() -> None:
    """Stop libasound printing its own errors to stderr: our message says what to do."""
    global _ALSA_HANDLER
    if _ALSA_HANDLER is not None:
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        _ALSA_HANDLER = False
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _ALSA_HANDLER = handler_type(lambda *_: None)
    ctypes.CDLL(name).snd_lib_error_set_handler(_ALSA_HANDLER)


class AudioOutput:
    """Plays an int16 buffer from any frame offset, reading it in place: 1-D mono, or
    ``(frames, channels)`` interleaved.

    ``samples`` must stay alive and unresized while a stream plays (the session owns it).
    simpleaudio's ``stop`` lets the device drain what was already written (about
    0.1-0.3 s), so a stopped stream keeps playing until ``wait_stopped`` returns.
    """

    def __init__(self, samples: Pcm, sample_rate: int) -> None:
        if samples.dtype != np.int16 or samples.ndim > 2 or not samples.flags.c_contiguous:
            raise ValueError("AudioOutput plays a contiguous int16 array of frames")
        self.samples = samples
        self.sample_rate = sample_rate
        self.channels = samples.shape[1] if samples.ndim == 2 else 1
        self._play: Any = None
        self._draining: list[Any] = []

    def start(self, offset: int) -> None:
        """Stop any stream and play ``samples[offset:]`` (offset in frames)."""
        self.stop()
        if offset < len(self.samples):
            self._play = _play_buffer(self.samples[offset:], self.channels, self.sample_rate)

    def stop(self) -> None:
        """Ask the stream to stop; a no-op when nothing plays."""
        if self._play is not None:
            self._play.stop()
            self._draining.append(self._play)
            self._play = None

    def let_finish(self) -> None:
        """Let the stream play to its end without stopping it; ``wait_stopped`` waits."""
        if self._play is not None:
            self._draining.append(self._play)
            self._play = None

    def is_playing(self) -> bool:
        """False once the stream ran out, was stopped, or its device went away."""
        return self._play is not None and bool(self._play.is_playing())

    def wait_stopped(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        """Wait (at most ``timeout_s``) until stopped streams have drained and released
        the buffer. simpleaudio has no completion event, so this polls every few ms."""
        self._draining = _wait_done(self._draining, timeout_s)


def _play_buffer(samples: Pcm, channels: int, sample_rate: int) -> Any:
    simpleaudio = _simpleaudio()
    try:
        stream = simpleaudio.play_buffer(samples, channels, 2, sample_rate)
    except Exception as exc:  # simpleaudio raises its own SimpleaudioError (not exported)
        raise AudioDeviceError(
            f"cannot open the audio output ({exc})",
            "is a sound device connected and the sound server (PulseAudio/PipeWire) "
            f"running? `voiceguide doctor` checks each part; {EXPORT_HINT}",
        ) from exc
    _STREAMS[:] = [*(p for p in _STREAMS if p.is_playing()), stream]
    return stream


def probe_output(sample_rate: int = 22050) -> AudioOutput:
    """Start a few ms of silence on the output; ``AudioDeviceError`` if it cannot play.

    Called before any slow work, so a missing device fails within a second. It also
    wakes the sound server: the first stream after an idle spell can start hundreds of
    ms late (its sink still at a long latency), which would put the play head's clock
    off; the session's stream, started while this one plays, starts on time.
    """
    output = AudioOutput(np.zeros(sample_rate * PROBE_MS // 1000, dtype=np.int16), sample_rate)
    output.start(0)
    output.let_finish()
    return output
