"""The ``voiceguide`` command's entry point (also ``python -m voiceguide``).

Only the standard library is imported before the guard: a Ctrl-C while click and the
command's modules are still being imported (the first 0.2 s) exits 130 with one line,
as it does later, instead of a KeyboardInterrupt traceback. SIGTERM and SIGHUP are
Ctrl-C's too from here on (``signals.py``).
"""

import sys

from voiceguide.signals import report, stopping_signals


def run() -> None:
    try:
        with stopping_signals():
            from voiceguide.cli import main

            main()
    except KeyboardInterrupt as exc:
        sys.exit(report(exc))


if __name__ == "__main__":
    run()
