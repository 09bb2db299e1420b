"""The three tasks run on every chunk: summary, translation, facts."""
