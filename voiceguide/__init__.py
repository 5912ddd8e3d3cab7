"""voiceguide: hands-free, voice-guided workouts compiled from YAML scripts."""

__version__ = "0.1.0"
