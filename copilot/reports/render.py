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
from copilot.i18n import N_, format_day, gettext_for, percent
from copilot.models import Analysis, CoachingReport, CoachingWarning, MeetingRef, Warning
from copilot.reports import plots
from copilot.reports.trends import TREND_METRICS, fmt_metric
from copilot.settings import Settings

PLOTS = {
    "listening_ratio": N_("Listening ratio across meetings"),
    "open_questions": N_("Open questions across meetings"),
    "timeline": N_("Who spoke when in the latest meeting"),
}

DIRECTIONS = {"better": N_("better"), "worse": N_("worse"), "stable": N_("stable")}
# The files' headings, marked here: babel's extractor does not read inside f-strings.
HEADINGS = {"summary": N_("Summary"), "across": N_("Across meetings"),
            "nothing": N_("Nothing to flag."), "plots": N_("Plots"), "meetings": N_("Meetings"),
            "no_warning": N_("No warning.")}


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


def _pct(v: float | None, lang: str = "en") -> str:
    return "-" if v is None else percent(v, lang)


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _summary_rows(r: CoachingReport) -> list[tuple[str, str]]:
    _, lang = gettext_for(r.language), r.language
    a = r.averages
    rows = [
        (_("meetings"), str(len(r.meetings))),
        (_("reports"), ", ".join(r.reports)),
        (_("average listening ratio"), _pct(a.get("listening_ratio"), lang)),
        (_("average open-question share"), _pct(a.get("open_share"), lang)),
        (_("average longest monologue (words)"), _num(_round(a.get("longest_monologue_words")))),
        (_("feedback about the person"), str(sum(m.person_feedback for m in r.meetings))),
        (_("next steps with owner and date"), _pct(a.get("clear_next_steps_share"), lang)),
    ]
    for f in r.follow_through:
        who = {"manager": _("{manager}'s own promises").format(manager=r.manager),
               "report": _("the reports' commitments"),
               "both": _("shared commitments")}[f.owner_role]
        counts = _("{rate} ({done} done, {dropped} dropped, {overdue} overdue, {open} open of "
                   "{total})").format(rate=_pct(f.rate, lang), done=f.done, dropped=f.dropped,
                                      overdue=f.overdue, open=f.open, total=f.commitments)
        rows.append((_("follow-through, {who}").format(who=who), counts))
    for c in r.cadence:
        rows.append((_("cadence with {report}").format(report=c.report), _cadence_text(c, _)))
    for t in r.trends:
        if t.direction:
            change = _("{first} -> {last} ({direction}, first vs last third of {count} "
                       "meetings)").format(first=fmt_metric(t.metric, t.first),
                                           last=fmt_metric(t.metric, t.last),
                                           direction=_(DIRECTIONS[t.direction]),
                                           count=t.meetings)
            rows.append((_("trend: {metric}").format(metric=_(TREND_METRICS[t.metric].label)),
                         change))
    return rows


def _cadence_text(c, _) -> str:
    k = c.cadence
    if k.median_interval_days is None:  # one meeting: no interval yet
        return _("{count} meeting, {days} days ago").format(count=k.meetings,
                                                             days=_num(k.days_since_last))
    text = _("{count} meetings, usual gap {median} days, longest {longest}, last {days} days "
             "ago").format(count=k.meetings, median=_num(k.median_interval_days),
                           longest=_num(c.longest_gap_days), days=_num(k.days_since_last))
    return text + (" " + _("(overdue)") if k.overdue else "")


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


def _ref_links(ref: MeetingRef, lang: str) -> str:
    base = f"#m-{ref.meeting_id}"
    ids = " ".join(f'<a href="{base}-u{i}">#{i}</a>' for i in ref.utterances)
    quote = f" <span class='muted'>{_e(ref.quote)}</span>" if ref.quote else ""
    return f'<a href="{base}">{format_day(ref.date, lang)} {_e(ref.report)}</a> {ids}{quote}'


def _elsewhere(w: Warning, known: Collection[str]) -> bool:
    """Evidence in an earlier meeting this report does not include (before --since)."""
    return w.evidence_meeting is not None and w.evidence_meeting not in known


def _evidence(w: Warning | CoachingWarning, meeting_id: str | None, known: Collection[str],
              lang: str, markdown: bool) -> str:
    """Where a warning's claim comes from, as links into the file's meeting sections."""
    _ = gettext_for(lang)

    def link(text: str, anchor: str) -> str:
        return f"[{text}](#{anchor})" if markdown else f'<a href="#{anchor}">{text}</a>'

    if isinstance(w, CoachingWarning):
        if not markdown:
            return "; ".join(_ref_links(r, lang) for r in w.evidence)
        return "; ".join(link(f"{format_day(r.date, lang)} {_md(r.report)}", f"m-{r.meeting_id}")
                         + "".join(" " + link(f"#{i}", f"m-{r.meeting_id}-u{i}")
                                   for i in r.utterances)
                         + (f" _{_md(r.quote)}_" if r.quote else "") for r in w.evidence)
    if _elsewhere(w, known):
        return _("meeting {id} (not in this report)").format(id=w.evidence_meeting) + " " + \
            " ".join(f"#{i}" for i in w.evidence)
    target = w.evidence_meeting or meeting_id
    ev = " ".join(link(f"#{i}", f"m-{target}-u{i}") for i in w.evidence)
    if w.evidence_meeting:
        ev = link(_("earlier meeting"), f"m-{w.evidence_meeting}") + " " + ev
    return ev


def _warning_html(w: Warning | CoachingWarning, lang: str, meeting_id: str | None = None,
                  known: Collection[str] = ()) -> str:
    _ = gettext_for(lang)
    ev = _evidence(w, meeting_id, known, lang, markdown=False)
    # Words out of the f-strings: babel's extractor does not read inside them.
    try_, evidence, none = _e(_("Try:")), _e(_("evidence:")), _e(_("none"))
    sug = f"<div class='s'>{try_} {_e(w.suggestion)}</div>" if w.suggestion else ""
    return (f"<div class='w'><code>{_e(w.code)}</code> {_e(w.message)}{sug}"
            f"<div>{evidence} {ev or f'<span class=muted>{none}</span>'}</div></div>")


def _span(r: CoachingReport, lang: str) -> str:
    _, ms = gettext_for(lang), r.meetings
    span = (_("{count} one-to-ones, {first} to {last}").format(
        count=len(ms), first=format_day(ms[0].date, lang), last=format_day(ms[-1].date, lang))
        if ms else _("{count} one-to-ones").format(count=0))
    if r.since:
        span += " " + _("(since {date})").format(date=format_day(r.since, lang))
    return span + "; " + _("as of {date}.").format(date=format_day(r.as_of, lang))


def _columns(_) -> list[str]:
    return [_("date"), _("report"), _("listening"), _("longest monologue"), _("open q."),
            _("leading"), _("person fb"), _("reflections"), _("development"),
            _("clear next steps"), _("warnings")]


def _count(v: int | None) -> str:
    return "-" if v is None else str(v)


def render_html(report: CoachingReport, analyses: Mapping[str, Analysis],
                images: Mapping[str, bytes]) -> str:
    r, ms, lang = report, report.meetings, report.language
    _ = gettext_for(lang)
    title = _("Coaching report: {manager}").format(manager=r.manager)
    note = _("Every warning links to what was said.")
    h = {key: _e(_(msgid)) for key, msgid in HEADINGS.items()}
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>{_e(_span(r, lang))} {_e(note)}</p>",
        f"<h2>{h['summary']}</h2><table>",
        *(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _summary_rows(r)),
        "</table>",
        f"<h2>{h['across']}</h2>",
        *([_warning_html(w, lang) for w in r.warnings]
          or [f"<p class='muted'>{h['nothing']}</p>"]),
        f"<h2>{h['plots']}</h2>",
    ]
    for key, msgid in PLOTS.items():
        if key in images:
            data = base64.b64encode(images[key]).decode("ascii")
            parts.append(f"<h3>{_e(_(msgid))}</h3><img alt='{_e(_(msgid))}' "
                         f"src='data:image/png;base64,{data}'>")
    parts.append(f"<h2>{h['meetings']}</h2><table><tr>"
                 + "".join(f"<th>{_e(c)}</th>" for c in _columns(_)) + "</tr>")
    for m in reversed(ms):
        mono = "-" if m.longest_monologue_words is None else \
            f"{m.longest_monologue_words} w ({m.longest_monologue_role or '?'})"
        parts.append(
            f"<tr><td><a href='#m-{m.meeting_id}'>{format_day(m.date, lang)}</a></td><td>"
            f"{_e(m.report)}</td><td>{_pct(m.listening_ratio, lang)}</td><td>{_e(mono)}</td>"
            f"<td>{_pct(m.open_share, lang)}</td><td>{m.questions.leading}</td>"
            f"<td>{m.person_feedback}</td><td>{_count(m.reflections)}</td>"
            f"<td>{_pct(m.development_share, lang)}</td>"
            f"<td>{m.next_steps_clear}/{m.next_steps}</td>"
            f"<td>{len(m.warnings)}</td></tr>")
    parts.append("</table>")
    parts += _meeting_sections_html(r, analyses)
    parts.append("</body></html>")
    return "\n".join(parts)


def _meeting_sections_html(r: CoachingReport, analyses: Mapping[str, Analysis]) -> list[str]:
    lang = r.language
    _ = gettext_for(lang)
    cited, parts = _cited(r, analyses), []
    for m in reversed(r.meetings):
        heading = _("{date} with {report}").format(date=format_day(m.date, lang), report=m.report)
        parts.append(f"<section id='m-{m.meeting_id}'><h3>{_e(heading)} "
                     f"<span class='muted'>({m.meeting_id})</span></h3>")
        parts += [_warning_html(w, lang, m.meeting_id, analyses) for w in m.warnings] or \
            [f"<p class='muted'>{_e(_(HEADINGS['no_warning']))}</p>"]
        quotes = [u for u in analyses[m.meeting_id].utterances
                  if u.id in cited.get(m.meeting_id, set())]
        if quotes:
            quoted = _("Evidence quoted above")
            parts.append(f"<details open><summary>{_e(quoted)}</summary>")
            parts += [f"<div class='q' id='m-{m.meeting_id}-u{u.id}'>#{u.id} "
                      f"<b>{_e(u.speaker or '-')}</b>: {_e(u.text)}</div>" for u in quotes]
            parts.append("</details>")
        parts.append("</section>")
    return parts


# -- Markdown -------------------------------------------------------------------------------------

def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_warning(w: Warning | CoachingWarning, lang: str, meeting_id: str | None = None,
                known: Collection[str] = ()) -> str:
    _ = gettext_for(lang)
    ev = _evidence(w, meeting_id, known, lang, markdown=True)
    try_, evidence, none = _("Try:"), _("evidence:"), _("none")
    line = f"- **`{w.code}`** {_md(w.message)}"
    if w.suggestion:
        line += f"\n  - _{try_}_ {_md(w.suggestion)}"
    return line + f"\n  - {evidence} {ev or none}"


def render_markdown(report: CoachingReport, analyses: Mapping[str, Analysis],
                    image_files: Mapping[str, str]) -> str:
    r, ms, lang = report, report.meetings, report.language
    _ = gettext_for(lang)
    lines = ["# " + _("Coaching report: {manager}").format(manager=_md(r.manager)), "",
             _span(r, lang), "", "## " + _("Summary"), "", "| | |", "|---|---|"]
    lines += [f"| {_md(k)} | {_md(v)} |" for k, v in _summary_rows(r)]
    lines += ["", "## " + _("Across meetings"), ""]
    lines += [_md_warning(w, lang) for w in r.warnings] or [_("Nothing to flag.")]
    lines += ["", "## " + _("Plots"), ""]
    lines += [f"![{_(PLOTS[k])}]({path})\n" for k, path in image_files.items()]
    lines += ["## " + _("Meetings"), "", "| " + " | ".join(_columns(_)) + " |",
              "|" + "---|" * len(_columns(_))]
    for m in reversed(ms):
        mono = "-" if m.longest_monologue_words is None else f"{m.longest_monologue_words} w"
        lines.append(f"| [{format_day(m.date, lang)}](#m-{m.meeting_id}) | {_md(m.report)} | "
                     f"{_pct(m.listening_ratio, lang)} | {mono} | {_pct(m.open_share, lang)} | "
                     f"{m.questions.leading} | {m.person_feedback} | {_count(m.reflections)} | "
                     f"{_pct(m.development_share, lang)} | "
                     f"{m.next_steps_clear}/{m.next_steps} | {len(m.warnings)} |")
    cited = _cited(r, analyses)
    for m in reversed(ms):
        heading = _("{date} with {report}").format(date=format_day(m.date, lang),
                                                   report=_md(m.report))
        lines += ["", f'<a id="m-{m.meeting_id}"></a>', f"### {heading} ({m.meeting_id})", ""]
        lines += [_md_warning(w, lang, m.meeting_id, analyses) for w in m.warnings] or \
            [_("No warning.")]
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
