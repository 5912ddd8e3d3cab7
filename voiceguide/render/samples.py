"""Sample-level basics shared by beeps and the renderer: ms to samples, resampling
and reading WAV files (the format itself is ``voiceguide.pcm``)."""

from __future__ import annotations

import wave
from functools import lru_cache
from pathlib import Path

import numpy as np

from voiceguide.pcm import FULL_SCALE, SAMPLE_RATE, Pcm, Samples


def ms_to_samples(ms: int, rate: int = SAMPLE_RATE) -> int:
    """The sample index of a time in ms, rounded to nearest; the one rounding rule used
    everywhere, so chunks, files and chapters all cut at the same samples."""
    return (ms * rate + 500) // 1000


def to_float(samples: Pcm) -> Samples:
    """int16 samples as float32 in [-1, 1)."""
    return samples.astype(np.float32) / np.float32(FULL_SCALE)


UPSAMPLE_TAPS = 129
"""Length of the lowpass that doubles a rate: flat to 9 kHz, images above 12 kHz
attenuated by 80 dB or more."""


@lru_cache(maxsize=1)
def doubling_filter() -> Samples:
    """A Kaiser-windowed sinc at 0.45 of the doubled rate's Nyquist frequency, with gain
    2 (zero-stuffing halves the level)."""
    half = UPSAMPLE_TAPS // 2
    n = np.arange(-half, half + 1)
    cutoff = 0.45
    return (2 * cutoff * np.sinc(cutoff * n) * np.kaiser(UPSAMPLE_TAPS, 8.0)).astype(np.float32)


def resample(samples: Samples, from_rate: int, to_rate: int = SAMPLE_RATE) -> Samples:
    """Band-limited resampling of a short float clip, so a 44.1 kHz beep file does not
    alias when brought to 22.05 kHz: doubling (the voice's 22.05 kHz to 44.1 kHz music
    output) by zero-stuffing and a lowpass, 1 ms for a 3 s clip; any other ratio by FFT
    (truncating or zero-padding the spectrum), which took 20-120 ms for clips of lengths
    with large prime factors, before the first sound of ``play --music``."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32)
    if to_rate == 2 * from_rate:
        stuffed = np.zeros(2 * len(samples), np.float32)
        stuffed[::2] = samples
        return np.convolve(stuffed, doubling_filter(), mode="same")
    n_out = max(1, round(len(samples) * to_rate / from_rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    bins = n_out // 2 + 1
    if bins <= len(spectrum):
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - len(spectrum), complex)])
    out = np.fft.irfft(spectrum, n_out) * (n_out / len(samples))
    return out.astype(np.float32)


def read_wav(path: Path) -> tuple[Samples, int]:
    """A PCM WAV file (8/16/24/32-bit, any channels) as mono float32 and its rate in Hz.

    Raises ``wave.Error``, ``EOFError`` or ``OSError`` for a file that cannot be read.
    """
    with wave.open(str(path), "rb") as wav:
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width == 1:
        data = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
        data = ints.astype(np.float32) / float(1 << 23)
    elif width in (2, 4):
        dtype = np.int16 if width == 2 else np.int32
        data = np.frombuffer(raw, f"<i{width}").astype(np.float32) / float(np.iinfo(dtype).max + 1)
    else:
        raise wave.Error(f"unsupported sample width: {8 * width} bits")
    if channels > 1:
        data = data[: len(data) // channels * channels].reshape(-1, channels).mean(axis=1)
    return data.astype(np.float32), rate
