"""The compiled session: events at exact milliseconds, sections, chapters."""
