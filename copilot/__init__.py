"""One-to-one meeting copilot: transcripts and notes in; facts, feedback, next steps and
coaching out."""

__version__ = "0.1.0"
