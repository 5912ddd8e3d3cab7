"""Script as played -> Timeline: pure and deterministic, no I/O."""
