"""The end-to-end audio eval's own parts: the synthesised dialogues line up with their cases."""

from __future__ import annotations

import json

from eval.cases import CASES_DIR, load_case
from eval.end_to_end import SYNTH_DIR, turn_of


def test_turn_of_takes_the_largest_overlap():
    turns = [{"start": 0.0, "end": 2.0}, {"start": 2.5, "end": 6.0}]
    assert turn_of(1.8, 5.0, turns) == 2
    assert turn_of(0.1, 1.0, turns) == 1
    assert turn_of(7.0, 8.0, turns) is None


def test_every_synthesised_dialogue_has_its_case_turn_for_turn():
    scripts = sorted(SYNTH_DIR.glob("*.script.txt"))
    assert len(scripts) >= 4
    for script in scripts:
        name = script.name.removesuffix(".script.txt")
        truth = json.loads((SYNTH_DIR / f"{name}.truth.json").read_text(encoding="utf-8"))
        case = load_case(CASES_DIR / f"{name}.toml")
        said = [ln for ln in script.read_text(encoding="utf-8").splitlines()
                if ln.strip() and not ln.startswith("#")]
        assert len(truth["turns"]) == len(said) == len(case.utterances), name
        # The labels' owners speak in the script (one manager, one report voice).
        assert {case.manager, case.report} == {ln.split(":")[0] for ln in said}, name
    total = sum(p.stat().st_size for p in SYNTH_DIR.glob("*.ogg"))
    assert total < 1_000_000  # committed audio stays small
