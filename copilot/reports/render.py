"""The coaching report as files: `report.html` (self-contained: plots inlined as base64 PNG) and
`report.md` with its plots under `images/`.

Every warning links to its evidence: a meeting section (`#m-<id>`) and, inside it, the quoted
utterances (`#m-<id>-u<n>`), so a manager can check each claim against what was said.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from copilot.analyze.critique.talk import listening_ratio_floor
from copilot.models import Analysis, CoachingReport, CoachingWarning, MeetingRef, Warning
from copilot.reports import plots
from copilot.reports.coaching import TREND_METRICS, fmt_metric
from copilot.settings import Settings

PLOTS = {
    "listening_ratio": "Listening ratio across meetings",
    "open_questions": "Open questions across meetings",
    "timeline": "Who spoke when in the latest meeting",
}


def make_plots(report: CoachingReport, analyses: Mapping[str, Analysis],
               settings: Settings) -> dict[str, bytes]:
    out = {
        "listening_ratio": plots.listening_ratio(report.meetings,
                                                 listening_ratio_floor(settings)),
        "open_questions": plots.open_questions(report.meetings,
                                               settings.critique.open_question_share_threshold),
    }
    spoken = [m for m in reversed(report.meetings) if analyses[m.meeting_id].talk is not None]
    if spoken:
        out["timeline"] = plots.timeline(analyses[spoken[0].meeting_id])
    return out


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.0%}"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _summary_rows(r: CoachingReport) -> list[tuple[str, str]]:
    a = r.averages
    rows = [
        ("meetings", str(len(r.meetings))),
        ("reports", ", ".join(r.reports)),
        ("average listening ratio", _pct(a.get("listening_ratio"))),
        ("average open-question share", _pct(a.get("open_share"))),
        ("average longest monologue (words)", _num(_round(a.get("longest_monologue_words")))),
        ("feedback about the person", str(sum(m.person_feedback for m in r.meetings))),
        ("next steps with owner and date", _pct(a.get("clear_next_steps_share"))),
    ]
    for f in r.follow_through:
        who = {"manager": f"{r.manager}'s own promises", "report": "the reports' commitments",
               "both": "shared commitments"}[f.owner_role]
        counts = (f"{_pct(f.rate)} ({f.done} done, {f.dropped} dropped, {f.overdue} overdue, "
                  f"{f.open} open of {f.commitments})")
        rows.append((f"follow-through, {who}", counts))
    for c in r.cadence:
        k = c.cadence
        if k.median_interval_days is None:  # one meeting: no interval yet
            text = f"{k.meetings} meeting, {_num(k.days_since_last)} days ago"
        else:
            text = (f"{k.meetings} meetings, usual gap {_num(k.median_interval_days)} days, "
                    f"longest {_num(c.longest_gap_days)}, last {_num(k.days_since_last)} days ago"
                    + (" (overdue)" if k.overdue else ""))
        rows.append((f"cadence with {c.report}", text))
    for t in r.trends:
        if t.direction:
            change = (f"{fmt_metric(t.metric, t.first)} -> {fmt_metric(t.metric, t.last)} "
                      f"({t.direction}, first vs last third of {t.meetings} meetings)")
            rows.append((f"trend: {TREND_METRICS[t.metric].label}", change))
    return rows


def _cited(report: CoachingReport, analyses: Mapping[str, Analysis]) -> dict[str, set[int]]:
    """Utterance ids cited anywhere, per meeting: the quotes each meeting section shows."""
    cited: dict[str, set[int]] = {m.meeting_id: set() for m in report.meetings}
    for m in report.meetings:
        for w in m.warnings:
            cited.setdefault(w.evidence_meeting or m.meeting_id, set()).update(w.evidence)
    for w in report.warnings:
        for ref in w.evidence:
            cited.setdefault(ref.meeting_id, set()).update(ref.utterances)
    return {k: v for k, v in cited.items() if k in analyses}


# -- HTML ------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1000px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}h1{margin-bottom:.2em}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top}th{background:#f5f5f5}.w{margin:.6em 0;
padding:.5em .8em;border-left:4px solid #E69F00;background:#fffaf0}.w code{font-weight:600}
.s{color:#555;font-style:italic}.q{margin:.2em 0 .2em 1em;color:#333}.q:target{background:#fff3b0}
.muted{color:#777}img{max-width:100%}a{color:#0072B2}section:target{outline:2px solid #0072B2}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _ref_links(ref: MeetingRef) -> str:
    base = f"#m-{ref.meeting_id}"
    ids = " ".join(f'<a href="{base}-u{i}">#{i}</a>' for i in ref.utterances)
    quote = f" <span class='muted'>{_e(ref.quote)}</span>" if ref.quote else ""
    return f'<a href="{base}">{ref.date.isoformat()} {_e(ref.report)}</a> {ids}{quote}'


def _elsewhere(w: Warning, known: Collection[str]) -> bool:
    """Evidence in an earlier meeting this report does not include (before --since)."""
    return w.evidence_meeting is not None and w.evidence_meeting not in known


def _warning_html(w: Warning | CoachingWarning, meeting_id: str | None = None,
                  known: Collection[str] = ()) -> str:
    if isinstance(w, CoachingWarning):
        ev = "; ".join(_ref_links(r) for r in w.evidence)
    elif _elsewhere(w, known):
        ev = f"meeting {_e(w.evidence_meeting)} (not in this report) " + " ".join(
            f"#{i}" for i in w.evidence)
    else:
        target = w.evidence_meeting or meeting_id
        ev = " ".join(f'<a href="#m-{target}-u{i}">#{i}</a>' for i in w.evidence)
        if w.evidence_meeting:
            ev = f'<a href="#m-{w.evidence_meeting}">earlier meeting</a> ' + ev
    sug = f"<div class='s'>Try: {_e(w.suggestion)}</div>" if w.suggestion else ""
    return (f"<div class='w'><code>{_e(w.code)}</code> {_e(w.message)}{sug}"
            f"<div>evidence: {ev or '<span class=muted>none</span>'}</div></div>")


def render_html(report: CoachingReport, analyses: Mapping[str, Analysis],
                images: Mapping[str, bytes]) -> str:
    r, ms = report, report.meetings
    span = f"{ms[0].date.isoformat()} to {ms[-1].date.isoformat()}" if ms else "-"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Coaching report - {_e(r.manager)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Coaching report: {_e(r.manager)}</h1>",
        f"<p class='muted'>{len(ms)} one-to-ones, {span}"
        + (f" (since {r.since.isoformat()})" if r.since else "")
        + f"; as of {r.as_of.isoformat()}. Every warning links to what was said.</p>",
        "<h2>Summary</h2><table>",
        *(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _summary_rows(r)),
        "</table>",
        "<h2>Across meetings</h2>",
        *([_warning_html(w) for w in r.warnings] or ["<p class='muted'>Nothing to flag.</p>"]),
        "<h2>Plots</h2>",
    ]
    for key, title in PLOTS.items():
        if key in images:
            data = base64.b64encode(images[key]).decode("ascii")
            parts.append(f"<h3>{_e(title)}</h3><img alt='{_e(title)}' "
                         f"src='data:image/png;base64,{data}'>")
    header = ("<h2>Meetings</h2><table><tr><th>date</th><th>report</th><th>listening</th>"
              "<th>longest monologue</th><th>open q.</th><th>leading</th><th>person fb</th>"
              "<th>clear next steps</th><th>warnings</th></tr>")
    parts.append(header)
    for m in reversed(ms):
        mono = "-" if m.longest_monologue_words is None else \
            f"{m.longest_monologue_words} w ({m.longest_monologue_role or '?'})"
        parts.append(
            f"<tr><td><a href='#m-{m.meeting_id}'>{m.date.isoformat()}</a></td><td>"
            f"{_e(m.report)}</td><td>{_pct(m.listening_ratio)}</td><td>{_e(mono)}</td>"
            f"<td>{_pct(m.open_share)}</td><td>{m.questions.leading}</td>"
            f"<td>{m.person_feedback}</td><td>{m.next_steps_clear}/{m.next_steps}</td>"
            f"<td>{len(m.warnings)}</td></tr>")
    parts.append("</table>")
    cited = _cited(r, analyses)
    for m in reversed(ms):
        a = analyses[m.meeting_id]
        parts.append(f"<section id='m-{m.meeting_id}'><h3>{m.date.isoformat()} with "
                     f"{_e(m.report)} <span class='muted'>({m.meeting_id})</span></h3>")
        parts += [_warning_html(w, m.meeting_id, analyses) for w in m.warnings] or \
            ["<p class='muted'>No warning.</p>"]
        quotes = [u for u in a.utterances if u.id in cited.get(m.meeting_id, set())]
        if quotes:
            parts.append("<details open><summary>Evidence quoted above</summary>")
            parts += [f"<div class='q' id='m-{m.meeting_id}-u{u.id}'>#{u.id} "
                      f"<b>{_e(u.speaker or '-')}</b>: {_e(u.text)}</div>" for u in quotes]
            parts.append("</details>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


# -- Markdown -------------------------------------------------------------------------------------

def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_warning(w: Warning | CoachingWarning, meeting_id: str | None = None,
                known: Collection[str] = ()) -> str:
    if isinstance(w, CoachingWarning):
        ev = "; ".join(f"[{r.date.isoformat()} {_md(r.report)}](#m-{r.meeting_id})"
                       + "".join(f" [#{i}](#m-{r.meeting_id}-u{i})" for i in r.utterances)
                       + (f" _{_md(r.quote)}_" if r.quote else "") for r in w.evidence)
    elif _elsewhere(w, known):
        ev = f"meeting {w.evidence_meeting} (not in this report) " + " ".join(
            f"#{i}" for i in w.evidence)
    else:
        target = w.evidence_meeting or meeting_id
        ev = " ".join(f"[#{i}](#m-{target}-u{i})" for i in w.evidence)
        if w.evidence_meeting:
            ev = f"[earlier meeting](#m-{w.evidence_meeting}) " + ev
    line = f"- **`{w.code}`** {_md(w.message)}"
    if w.suggestion:
        line += f"\n  - _Try:_ {_md(w.suggestion)}"
    return line + f"\n  - evidence: {ev or 'none'}"


def render_markdown(report: CoachingReport, analyses: Mapping[str, Analysis],
                    image_files: Mapping[str, str]) -> str:
    r, ms = report, report.meetings
    lines = [f"# Coaching report: {_md(r.manager)}", "",
             f"{len(ms)} one-to-ones" + (f", {ms[0].date} to {ms[-1].date}" if ms else "")
             + (f" (since {r.since})" if r.since else "") + f"; as of {r.as_of}.", "",
             "## Summary", "", "| | |", "|---|---|"]
    lines += [f"| {_md(k)} | {_md(v)} |" for k, v in _summary_rows(r)]
    lines += ["", "## Across meetings", ""]
    lines += [_md_warning(w) for w in r.warnings] or ["Nothing to flag."]
    lines += ["", "## Plots", ""]
    lines += [f"![{PLOTS[k]}]({path})\n" for k, path in image_files.items()]
    header = ("| date | report | listening | longest monologue | open q. | leading | person fb | "
              "clear next steps | warnings |")
    lines += ["## Meetings", "", header, "|---|---|---|---|---|---|---|---|---|"]
    for m in reversed(ms):
        mono = "-" if m.longest_monologue_words is None else f"{m.longest_monologue_words} w"
        lines.append(f"| [{m.date}](#m-{m.meeting_id}) | {_md(m.report)} | "
                     f"{_pct(m.listening_ratio)} | {mono} | {_pct(m.open_share)} | "
                     f"{m.questions.leading} | {m.person_feedback} | "
                     f"{m.next_steps_clear}/{m.next_steps} | {len(m.warnings)} |")
    cited = _cited(r, analyses)
    for m in reversed(ms):
        lines += ["", f'<a id="m-{m.meeting_id}"></a>',
                  f"### {m.date} with {_md(m.report)} ({m.meeting_id})", ""]
        lines += [_md_warning(w, m.meeting_id, analyses) for w in m.warnings] or ["No warning."]
        for u in analyses[m.meeting_id].utterances:
            if u.id in cited.get(m.meeting_id, set()):
                lines.append(f'\n<a id="m-{m.meeting_id}-u{u.id}"></a>\n> #{u.id} '
                             f"**{_md(u.speaker or '-')}**: {_md(u.text)}")
    return "\n".join(lines) + "\n"


def write_report(report: CoachingReport, analyses: Sequence[Analysis], settings: Settings,
                 out_dir: Path) -> Path:
    """Write report.html, report.md and images/*.png into `out_dir`; return report.html."""
    by_id = {a.id: a for a in analyses}
    images = make_plots(report, by_id, settings)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    files = {}
    for key, data in images.items():
        (out_dir / "images" / f"{key}.png").write_bytes(data)
        files[key] = f"images/{key}.png"
    (out_dir / "report.md").write_text(render_markdown(report, by_id, files), encoding="utf-8")
    page = out_dir / "report.html"
    page.write_text(render_html(report, by_id, images), encoding="utf-8")
    return page
