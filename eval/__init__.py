"""Evaluation harness: labelled 1:1 cases and third-party sets, scored against the real engine.

`python -m eval --help`. It measures and never gates: low scores still exit 0.
"""
