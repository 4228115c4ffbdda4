"""The coaching report's plots, as PNG bytes (matplotlib, Agg backend: no display needed).

- who spoke when in one meeting (seconds when every turn is timed, else word positions);
- the listening ratio (the report's share of talk) across meetings, with the target;
- the share of open questions across meetings, with the warning threshold.

Each function returns bytes, so the HTML can inline them and the Markdown can write files.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from copilot.analyze.talk import time_basis
from copilot.models import Analysis, MeetingCoaching
from copilot.text import count_words

# Colour-blind-safe pair (Okabe-Ito): the manager in orange, the report in blue.
COLOURS = {"manager": "#E69F00", "report": "#0072B2", None: "#999999"}
_DPI = 110


def _pyplot():
    # Imported here, with the Agg backend forced: the CLI and the API render without a display,
    # and importing matplotlib costs ~0.3 s that commands without plots should not pay.
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    _pyplot().close(fig)
    return buf.getvalue()


def timeline(a: Analysis) -> bytes:
    """Who spoke when: one lane per speaker, a bar per turn."""
    plt = _pyplot()
    spoken = [u for u in a.utterances if u.speaker is not None]
    timed = time_basis(spoken)
    spans, pos = [], 0.0
    for u in spoken:
        if timed:
            start, length = float(u.start), float(u.end - u.start)  # type: ignore[arg-type]
        else:
            start, length = pos, float(count_words(u.text))
            pos += length
        spans.append((u.speaker, u.role, start, max(length, 0.5)))
    speakers = list(dict.fromkeys(s for s, *_ in spans))
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.55 * len(speakers)))
    for row, speaker in enumerate(speakers):
        mine = [(st, ln) for s, _, st, ln in spans if s == speaker]
        role = next(r for s, r, *_ in spans if s == speaker)
        ax.broken_barh(mine, (row - 0.35, 0.7), facecolors=COLOURS.get(role, "#999999"))
    ax.set_yticks(range(len(speakers)))
    ax.set_yticklabels([f"{s} ({r or '?'})" for s in speakers
                        for r in [next(r for sp, r, *_ in spans if sp == s)]])
    ax.invert_yaxis()
    ax.set_xlabel("seconds" if timed else "words spoken (no timestamps)")
    ax.set_title(f"Who spoke when -- {a.report}, {a.date.isoformat()}", loc="left")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def _trend(meetings: Sequence[MeetingCoaching], attr: str, title: str, ylabel: str,
           line: float, line_label: str, good_above: bool) -> bytes:
    plt = _pyplot()
    points = [(m.date, getattr(m, attr), m.report) for m in meetings
              if getattr(m, attr) is not None]
    fig, ax = plt.subplots(figsize=(9, 3.4))
    reports = list(dict.fromkeys(r for *_, r in points))
    markers = "osD^vP*X"
    for i, report in enumerate(reports):
        xs = [d for d, _, r in points if r == report]
        ys = [v for _, v, r in points if r == report]
        many = len(points) > 40  # 200 meetings: dots, or the lines hide the trend
        ax.plot(xs, ys, marker=markers[i % len(markers)], linewidth=0 if many else 1.2,
                markersize=3 if many else 5, label=report, alpha=0.6 if many else 0.9)
    if len(points) >= 3:  # a rolling mean over all reports shows the manager's habit
        k = 3 if len(points) < 30 else max(3, len(points) // 10)
        ordered = sorted(points, key=lambda p: p[0])
        windows = [ordered[max(0, j - k + 1): j + 1] for j in range(len(ordered))]
        roll = [sum(v for _, v, _ in window) / len(window) for window in windows]
        ax.plot([d for d, *_ in ordered], roll, color="black", linewidth=2, label=f"mean of {k}")
    ax.axhline(line, color="#009E73", linestyle="--", linewidth=1.2, label=line_label)
    ax.axhspan(line, 1.05 if good_above else -0.05, color="#009E73", alpha=0.06)
    ax.set_ylim(-0.05, 1.05)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.autofmt_xdate()
    return _png(fig)


def listening_ratio(meetings: Sequence[MeetingCoaching], floor: float) -> bytes:
    """The listening ratio of each meeting; below `floor` the manager talks too much."""
    return _trend(meetings, "listening_ratio", "Listening ratio: the report's share of talk",
                  "report's share", floor, f"manager talks too much below {floor:.0%}",
                  good_above=True)


def open_questions(meetings: Sequence[MeetingCoaching], threshold: float) -> bytes:
    return _trend(meetings, "open_share", "Open questions: share of the manager's questions",
                  "open share", threshold, f"warning below {threshold:.0%}", good_above=True)
