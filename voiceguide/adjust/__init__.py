"""The script as played: its week's progression, then the command line's overrides."""
