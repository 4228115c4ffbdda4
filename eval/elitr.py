"""Next steps on real multi-party meetings: ELITR English minutes (../shared/eval-data).

The archives are unpacked to a temporary folder, never into the repo. Every annotator's
minutes is a reference of its own (they differ a lot), so a gold item is one action line of one
minutes file, and an engine step is right when it matches an action line of any of them:

- recall: the share of gold action lines (with an owner, for owner + action) that an engine
  step matches -- the words (lenient or strict, below) and, for owner + action, the person;
- precision: the share of engine steps that match some gold action line (owner + action: one
  whose owner is the step's owner).

The two most talkative speakers stand in for the manager and the report; the others keep
their ELITR labels (PERSON7), which the minutes use too, so owners compare directly.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copilot.memory.matching import content_stems, word_overlap
from copilot.text import name_key


def lenient(gold: str, action: str) -> bool:
    return word_overlap(gold, action) >= 0.3 or word_overlap(action, gold) >= 0.5


def strict(gold: str, action: str) -> bool:
    # Most of the step's words in the item, and at least two of them: "send the slides"
    # does not match an item just because it mentions slides.
    shared = content_stems(gold) & content_stems(action)
    return len(shared) >= 2 and word_overlap(action, gold) >= 0.6


LEVELS: dict[str, Callable[[str, str], bool]] = {"lenient": lenient, "strict": strict}


def _same_owner(g: dict[str, str | None], owner: str | None) -> bool:
    return bool(g["owner"] and owner and name_key(owner) == name_key(g["owner"]))


def score_meeting(gold: list[dict[str, str | None]], steps: list[Any]) -> dict[str, int]:
    """Counts for one meeting: gold lines found and engine steps confirmed, per level."""
    row = {"gold_items": len(gold), "with_owner": sum(1 for g in gold if g["owner"]),
           "engine_steps": len(steps)}
    for level, test in LEVELS.items():
        near = [[test(g["action"] or "", s.action) for s in steps] for g in gold]
        row[f"action_found_{level}"] = sum(any(n) for n in near)
        row[f"owner_and_action_found_{level}"] = sum(
            any(hit and _same_owner(g, s.owner) for hit, s in zip(n, steps, strict=True))
            for g, n in zip(gold, near, strict=True))
        row[f"steps_confirmed_{level}"] = sum(
            any(near[gi][si] for gi in range(len(gold))) for si in range(len(steps)))
        row[f"steps_owner_confirmed_{level}"] = sum(
            any(near[gi][si] and _same_owner(gold[gi], s.owner) for gi in range(len(gold)))
            for si, s in enumerate(steps))
    return row


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = {k: sum(r[k] for r in rows) for k in ("gold_items", "with_owner", "engine_steps")}
    out: dict[str, Any] = {"meetings": len(rows),
                           "minutes_files": sum(r.get("minutes_files", 0) for r in rows),
                           "gold_with_owner": n["with_owner"], "gold_items": n["gold_items"],
                           "engine_steps": n["engine_steps"]}
    for level in LEVELS:
        s = {k: sum(r[f"{k}_{level}"] for r in rows) for k in (
            "action_found", "owner_and_action_found", "steps_confirmed",
            "steps_owner_confirmed")}
        out[f"recall_action_{level}"] = _ratio(s["action_found"], n["gold_items"])
        out[f"recall_owner_and_action_{level}"] = _ratio(s["owner_and_action_found"],
                                                         n["with_owner"])
        out[f"precision_action_{level}"] = _ratio(s["steps_confirmed"], n["engine_steps"])
        out[f"precision_owner_and_action_{level}"] = _ratio(s["steps_owner_confirmed"],
                                                            n["engine_steps"])
    return out


def elitr(shared: Path) -> dict[str, Any]:
    from copilot.pipeline import analyze_text
    from eval.memory import elitr_actions, elitr_transcript

    folder = shared / "text" / "elitr"
    zips = sorted(folder.glob("ELITR-English-*.tar.zip"))
    if not zips:
        return {"skipped": f"no ELITR archives in {folder}"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for z in zips:
            subprocess.run(["unzip", "-q", "-o", "-P", "utter", str(z), "-d", tmp], check=True)
        for tar in Path(tmp).glob("*.tar"):
            subprocess.run(["tar", "xf", str(tar), "-C", tmp], check=True,
                           stderr=subprocess.DEVNULL)
        for meeting in sorted(p for p in Path(tmp).glob("ELITR-English-*/meeting_*") if p.is_dir()):
            transcripts = sorted(meeting.glob("transcript_*.txt"))
            minutes = sorted(meeting.glob("minutes_GENER_*.txt"))
            if not transcripts or not minutes:
                continue
            text = elitr_transcript(transcripts[0])
            gold = [g for m in minutes for g in elitr_actions(m)]
            speakers = [ln.split(":")[0] for ln in text.splitlines()]
            top = sorted(set(speakers), key=lambda s: -speakers.count(s))[:2]
            if len(top) < 2:
                continue
            analysis = analyze_text(text, manager=top[0], report=top[1], date="2020-06-01",
                                    lang="en", filename="meeting.txt")
            rows.append({"meeting": meeting.name, "minutes_files": len(minutes),
                         **score_meeting(gold, analysis.next_steps)})
    return {**totals(rows), "per_meeting": rows}
