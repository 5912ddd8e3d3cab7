"""Timeline + clips + beeps -> one sample-accurate stream, in chunks."""
