"""Spoken lines: the protocol compile and render use, the engines behind pyttsx3, the cache."""
