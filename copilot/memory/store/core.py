"""`Store`: every query the copilot makes, in one object (the parts live one module per subject).

Open with `Store.open(settings)`; close (or `with`) when done. Nothing outside this package
speaks SQL: the domain modules of copilot/memory get pydantic models or the records of
copilot/memory/store/records.py.
"""

from __future__ import annotations

from copilot.memory.store.accounts import AccountStore
from copilot.memory.store.agenda_edits import AgendaEditStore
from copilot.memory.store.commitments import CommitmentStore
from copilot.memory.store.credentials import CredentialStore
from copilot.memory.store.home import HomeStore
from copilot.memory.store.items import ItemStore
from copilot.memory.store.jobs import JobStore
from copilot.memory.store.media import MediaStore
from copilot.memory.store.ops import OpsStore
from copilot.memory.store.own_account import OwnAccountStore
from copilot.memory.store.people import PeopleStore
from copilot.memory.store.retention import RetentionStore
from copilot.memory.store.search import SearchStore
from copilot.memory.store.sharing import SharingStore
from copilot.memory.store.topics import TopicStore
from copilot.memory.store.voiceprints import VoiceprintStore


class Store(ItemStore, MediaStore, RetentionStore, SharingStore, CommitmentStore, PeopleStore,
            TopicStore, SearchStore, VoiceprintStore, JobStore, AccountStore, CredentialStore,
            AgendaEditStore, OwnAccountStore, HomeStore, OpsStore):
    """Meetings in, meetings out. Open with `Store.open(settings)`; close (or `with`) when done.

    Meetings (save, save_batch, delete, get, list, open_next_steps, meetings_held,
    meeting_ids_of), commitments, people, topics and signals, search, erasure and reindexing,
    voiceprints, jobs, sharing and private notes, retention, accounts, tokens, sessions,
    the audit log and what operations read (ops.py): see the module of each part.
    `acting_as(principal)` gives the same store filtered for that principal (scope.py)."""
