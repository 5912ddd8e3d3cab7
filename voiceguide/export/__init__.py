"""A rendered session as files: sinks, tags and chapters, captions, weeks."""
