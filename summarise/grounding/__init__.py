"""Grounding: code, not the model, checks a brief against its source.

quantities (numbers, money, dates across languages, with locales' data), quotes (find a
sentence in the source), names (proper nouns), facts (anchor and verify each fact),
report (the Checks section). Pure functions, no I/O.
"""
