"""Migration 0002 on a database written by 0001: data kept, search column filled, and
`reindex` derives what 0001 never stored (signals, vectors, commitment tracking)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from copilot.memory import Store, build_agenda
from copilot.memory import commitments as cm
from copilot.memory.embeddings import HashEmbedder
from copilot.memory.export import reindex
from copilot.memory.search import search
from copilot.memory.store.base import MIGRATIONS, make_engine
from copilot.memory.vectors import MemoryVectorStore

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")



@pytest.mark.empty_database  # it migrates from nothing
def test_upgrade_from_0001_keeps_data_and_reindex_completes_it(settings):
    engine = make_engine(settings.db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        people = ("INSERT INTO people (id, name, name_key, created_at) VALUES "
                  "(1, 'Claire', 'claire', '2026-01-01'), (2, 'Julien', 'julien', '2026-01-01')")
        conn.execute(text(people))
        for mid, day, utt, body_steps in (
            ("old1", "2026-03-02", "Je t'envoie le plan de relance vendredi.", json.dumps([{
                "owner": "Julien", "owner_role": "report", "action": "envoyer le plan de relance",
                "evidence": [1]}])),
            ("old2", "2026-03-09", "J'ai envoyé le plan de relance. Réunion très utile.", "[]"),
        ):
            conn.execute(text(
                "INSERT INTO meetings VALUES (:id, :day, 1, 2, 'fr', NULL, 'text', 'rules', 0, "
                "'2026-01-01')"), {"id": mid, "day": day})
            conn.execute(text("INSERT INTO utterances VALUES (:id, 1, 'Julien', 'report', NULL, "
                              "NULL, :t)"), {"id": mid, "t": utt})
            body = json.dumps({
                "id": mid, "date": day, "language": "fr", "manager": "Claire",
                "report": "Julien", "next_steps": json.loads(body_steps),
                "utterances": [{"id": 1, "speaker": "Julien", "role": "report", "text": utt}],
            })
            conn.execute(text("INSERT INTO analyses VALUES (:id, 1, :b)"), {"id": mid, "b": body})
        conn.execute(text("INSERT INTO next_steps (meeting_id, owner, owner_role, action, status,"
                          " evidence) VALUES ('old1', 'Julien', 'report', 'envoyer le plan de "
                          "relance', 'open', '[1]')"))
    engine.dispose()

    with Store.open(settings, embedder=HashEmbedder(), vectors=MemoryVectorStore()) as store:
        assert [m.id for m in store.list()] == ["old2", "old1"]
        # Keyword search works at once (the migration folded the old utterances)...
        hits = search(store, "REUNION").hits
        assert [(h.meeting_id, h.match) for h in hits] == [("old2", "keyword")]
        # ...the lifecycle needs a reindex: before it, the old promise is still open.
        assert len(cm.list_commitments(store, "Julien")) == 1
        assert reindex(store) == 2
        assert cm.list_commitments(store, "Julien") == []
        [done] = cm.list_commitments(store, "Julien", status="done")
        assert done.closed_by.meeting_id == "old2"
        assert build_agenda(store, "Julien", date=dt.date(2026, 3, 16)).items == []
        assert {h.match for h in search(store, "plan de relance").hits} == {"both"}
