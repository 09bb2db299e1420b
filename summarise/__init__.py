"""summarise: turn documents in any language into reviewable Markdown briefs."""

__version__ = "0.1.0"
