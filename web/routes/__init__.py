"""One router per subject of pages."""
