"""Coaching reports: per-manager figures and trends (coaching.py), plots (plots.py), and the
self-contained HTML and Markdown files (render.py)."""
