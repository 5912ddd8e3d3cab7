"""What is kept on disk between runs: scripts, history, resume points, compiled timelines."""
