"""The ``voiceguide`` command's entry point (also ``python -m voiceguide``).

Only the standard library is imported before the guard: a Ctrl-C while click and the
command's modules are still being imported (the first 0.2 s) exits 130 with one line,
as it does later, instead of a KeyboardInterrupt traceback.
"""

import sys


def run() -> None:
    try:
        from voiceguide.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
