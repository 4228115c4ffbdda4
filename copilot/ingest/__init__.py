"""Inputs to `copilot.models.Transcript`: text exports and notes (formats), recordings (speech:
decode, transcribe, diarize, assign words), voiceprints. Imports nothing: use the submodules."""
