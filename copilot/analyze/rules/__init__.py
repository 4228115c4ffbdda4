"""The embedded extraction engine: spaCy pipelines + dateparser + hand-written rules.

Rules work on `fold()`-ed text (lower case, no accents, straight apostrophes) so one pattern
covers "écris"/"ecris" and typographic quotes. Precision comes before recall: an item is only
emitted when a rule recognises its shape, and every item cites its utterance id.
"""
