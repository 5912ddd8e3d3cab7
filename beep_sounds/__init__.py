"""Bundled beeps (WAV), made by tools/make_beeps.py."""
