"""Bundled cue sounds (WAV), made by tools/make_cues.py."""
