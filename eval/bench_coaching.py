"""`python -m eval.bench_coaching`: critique and coaching-report time for a manager with 200 1:1s.

The meetings are generated here, quickly and reproducibly (seeded): timed turns of a manager
and three reports, with open, closed and leading questions, praise and criticism (some about
the person), next steps with and without dates, and a manager who talks less over time -- so
every check and every plot has something to show. The extraction is given to the pipeline
through the in-package FakeExtractor (no NLP model): what is timed is the critique and the
report, which are engine-independent. Each meeting is stored in a temporary SQLite store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from copilot.models import Extraction, FeedbackItem, NextStep, Question, Transcript, Utterance

ROOT = Path(__file__).resolve().parents[1]
MANAGER = "Claire"
REPORTS = ("Julien", "Inès", "Sam")

_OPEN = ["Comment tu te sens sur le projet ?", "Qu'est-ce qui t'empêche d'avancer ?",
         "De quoi aimerais-tu qu'on parle ?", "Comment je peux t'aider ?"]
_CLOSED = ["Tu en es où sur le deal Ardent ?", "Tu as fini le forecast ?",
           "Combien de rendez-vous cette semaine ?", "Tu as relancé le client ?"]
_LEADING = ["Tu ne crois pas qu'il faudrait relancer ?", "On fait comme ça, d'accord ?"]
_PRAISE = ("Bravo pour la démo de mardi, le client a signé le lendemain.", "behavior")
_CRITICISM = ("Le rapport est arrivé avec deux jours de retard, il manquait l'annexe.", "behavior")
_PERSON = ("Franchement, tu es désorganisé.", "person")
_MANAGER_TALK = ("Je voulais aussi te parler de la réorganisation, de la direction, des objectifs "
                 "du trimestre et du comité de la semaine prochaine, parce que tout cela va "
                 "changer notre façon de travailler pendant plusieurs mois.")
_REPORT_TALK = ("Sur le dossier, on a avancé avec l'équipe achats, il reste la validation "
                "juridique et deux points techniques que je voudrais te montrer.")
_STEPS = [("envoyer le forecast à jour", "report"), ("relancer le client Ardent", "report"),
          ("demander le budget formation aux RH", "manager"), ("préparer la démo", "report")]


def synthetic_meeting(i: int, n: int, rng: random.Random) -> tuple[Transcript, Extraction, str,
                                                                    dt.date]:
    """Meeting `i` of `n`: the manager's share drifts from ~70% down to ~35%."""
    report = REPORTS[i % len(REPORTS)]
    day = dt.date(2025, 1, 6) + dt.timedelta(days=7 * (i // len(REPORTS)) + i % len(REPORTS))
    if rng.random() < 0.08:
        day += dt.timedelta(days=21)  # a few postponed 1:1s make the cadence uneven
    talk_bias = 0.75 - 0.4 * i / max(1, n - 1) + rng.uniform(-0.1, 0.1)
    utts, questions, feedback, steps, t = [], [], [], [], 0.0
    for k in range(1, rng.randint(16, 28)):
        manager_turn = k % 2 == 1
        if manager_turn:
            r = rng.random()
            pool = _OPEN if r < 1 - talk_bias else (_LEADING if r > 0.93 else _CLOSED)
            text = rng.choice(pool) if rng.random() < 0.6 else _MANAGER_TALK
            secs = rng.uniform(5, 12) if text.endswith("?") else rng.uniform(20, 70) * talk_bias * 2
        else:
            text, secs = _REPORT_TALK, rng.uniform(15, 60) * (1.2 - talk_bias)
        speaker = MANAGER if manager_turn else report
        utts.append(Utterance(id=k, speaker=speaker, start=round(t, 2), end=round(t + secs, 2),
                              text=text))
        t += secs
        if manager_turn and text.endswith("?"):
            kind = "open" if text in _OPEN else "leading" if text in _LEADING else "closed"
            questions.append(Question(text=text, kind=kind, evidence=[k]))
        if manager_turn and not text.endswith("?") and rng.random() < 0.25:
            said, target = rng.choice([_PRAISE, _CRITICISM, _CRITICISM, _PERSON])
            utts[-1] = utts[-1].model_copy(update={"text": said})
            feedback.append(FeedbackItem(
                text=said, polarity="positive" if said == _PRAISE[0] else "negative",
                target=target, evidence=[k], given_by=MANAGER))
    for k in range(rng.randint(0, 3)):
        action, role = rng.choice(_STEPS)
        due = day + dt.timedelta(days=rng.choice([2, 4, 7])) if rng.random() < 0.7 else None
        last = utts[-1].id
        steps.append(NextStep(owner=MANAGER if role == "manager" else report, owner_role=role,
                              action=action, due=due, due_text=due.isoformat() if due else None,
                              evidence=[last]))
    extraction = Extraction(questions=questions, feedback=feedback, next_steps=steps)
    return Transcript(utterances=utts, language="fr"), extraction, report, day


def generate(store, n: int, settings, seed: int = 7) -> dict[str, float]:
    """Analyse (talk + critique, fake engine) and store `n` meetings; returns timings."""
    from copilot.analyze.base import FakeExtractor
    from copilot.analyze.critique import critique
    from copilot.pipeline import analyze_transcript
    from copilot.request import MeetingRequest
    from copilot.workflow import remember_meeting

    rng = random.Random(seed)
    analyse_s = critique_s = save_s = 0.0
    # One meeting first, untimed: the pipeline's one-off imports (spaCy's stop words for the
    # extractive summary) are paid once per process, not per meeting.
    warm = synthetic_meeting(0, n, random.Random(seed + 1))
    analyze_transcript(warm[0], manager=MANAGER, report=warm[2], date=warm[3], settings=settings,
                       extractor=FakeExtractor().enqueue(warm[1]))
    for i in range(n):
        transcript, extraction, report, day = synthetic_meeting(i, n, rng)
        marks: dict[str, float] = {}

        def mark(stage: str, fraction: float, marks=marks) -> None:
            marks[f"{stage}:{fraction:g}"] = time.perf_counter()

        # The product's workflow: open commitments, analysis, save. The analysing stage's
        # progress marks split its time into analysis and store.
        analysis = remember_meeting(
            MeetingRequest(manager=MANAGER, report=report, date=day, source="bench"),
            transcript, store=store, settings=settings, progress=mark,
            extractor=FakeExtractor().enqueue(extraction))
        done = time.perf_counter()
        analyse_s += marks["analysing:1"] - marks["analysing:0"]
        save_s += done - marks["analysing:1"]
        # The critique alone, on the same inputs (roles applied, talk computed).
        previous = store.open_next_steps(report, MANAGER, before=day)
        roled = Transcript(utterances=analysis.utterances, language=analysis.language)
        start = time.perf_counter()
        critique(roled, analysis.talk, extraction, settings, MANAGER, report, previous=previous)
        critique_s += time.perf_counter() - start
    return {"analyse_s": round(analyse_s, 3), "critique_s": round(critique_s, 4),
            "store_s": round(save_s, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meetings", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3, help="report generations to time")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "bench_coaching.json")
    ap.add_argument("--keep", type=Path, default=None, help="also write the report here")
    args = ap.parse_args(argv)

    from copilot.memory.store import Store
    from copilot.reports.coaching import load_report
    from copilot.reports.render import write_report
    from copilot.settings import get_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(home=Path(tmp),
                                memory={"embedder": "hash", "vector_store": "memory"})
        with Store.open(settings) as store:
            gen = generate(store, args.meetings, settings)
            as_of = store.list(manager=MANAGER)[0].date + dt.timedelta(days=3)
            load, render = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                report, analyses = load_report(store, MANAGER, None, as_of, settings)
                load.append(time.perf_counter() - start)
                start = time.perf_counter()
                page = write_report(report, analyses, settings, args.keep or Path(tmp) / "out")
                render.append(time.perf_counter() - start)
            size = page.stat().st_size
    result = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "meetings": args.meetings,
        **gen,
        "critique_per_meeting_ms": round(1000 * gen["critique_s"] / args.meetings, 3),
        "analyse_per_meeting_ms": round(1000 * gen["analyse_s"] / args.meetings, 3),
        "report_build_s": round(min(load), 3),
        # The first render pays matplotlib's import (once per process); later ones do not.
        "report_render_first_s": round(render[0], 3),
        "report_render_s": round(min(render), 3),
        "report_total_s": round(min(load) + min(render), 3),
        "html_bytes": size,
        "trend_warnings": len(report.warnings),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
