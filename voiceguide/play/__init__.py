"""A rendered session through the sound device: player, keys, display."""
