"""The domain core: vocabularies and parsers for numbers, platforms, deliverables, places, languages and niches, defined once."""
