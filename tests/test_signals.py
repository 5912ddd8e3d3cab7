"""SIGTERM and SIGHUP as Ctrl-C (``voiceguide/signals.py``), in this process."""

from __future__ import annotations

import signal

import pytest

from voiceguide.signals import Stopped, report, stopping_signals


def test_the_first_stopping_signal_is_raised_later_ones_ignored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with stopping_signals():
        with pytest.raises(Stopped) as stopped:
            signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGHUP)  # the keeping that follows goes on
        signal.raise_signal(signal.SIGTERM)
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_signal_ignored_already_stays_ignored() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with stopping_signals():
            signal.raise_signal(signal.SIGHUP)
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


@pytest.mark.parametrize("exc, line, status", [
    (KeyboardInterrupt(), "interrupted", 130),
    (Stopped(signal.SIGTERM), "terminated", 143),
    (Stopped(signal.SIGHUP), "hung up", 129)])
def test_each_interruption_says_what_it_was_and_exits_128_plus_its_signal(
        exc: KeyboardInterrupt, line: str, status: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert report(exc) == status
    assert capsys.readouterr().err == f"{line}\n"
