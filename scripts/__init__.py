"""Bundled workout scripts (YAML), shipped inside the package."""
