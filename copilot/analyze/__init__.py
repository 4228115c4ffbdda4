"""Analysis: talk metrics, the extraction engines, critique."""
