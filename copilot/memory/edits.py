"""A manager's own corrections of an analysis: edit or delete one fact, feedback item, next
step or warning. Pure: `apply_edit` returns the new analysis; the store writes it with what is
derived from it (copilot/memory/store/items.py)."""

from __future__ import annotations

from copilot.errors import InvalidEdit, NotFoundError
from copilot.models import Analysis
from copilot.models.edits import ItemKind, StepEdit, TextEdit
from copilot.text import name_key

Edit = TextEdit | StepEdit


def item_count(analysis: Analysis, kind: ItemKind) -> int:
    return len(getattr(analysis, kind.value))


def check_index(analysis: Analysis, kind: ItemKind, index: int) -> None:
    count = item_count(analysis, kind)
    if not 0 <= index < count:
        raise NotFoundError(f"meeting {analysis.id} has no {kind.value} item {index}",
                            f"its {kind.value} are numbered 0 to {count - 1}" if count
                            else f"it has no {kind.value}")


def _edited(item, kind: ItemKind, edit: Edit, analysis: Analysis):
    if kind == ItemKind.NEXT_STEPS:
        if not isinstance(edit, StepEdit):
            raise InvalidEdit("a next step is edited with owner, action and due",
                              'send e.g. {"action": "...", "due": "2026-04-01"}')
        changes = edit.model_dump(include=edit.model_fields_set)
        if "action" in changes and changes["action"] is None:
            raise InvalidEdit("a next step needs an action", "send its new text, or delete it")
        if "owner" in changes:
            changes["owner_role"] = _side(changes["owner"], analysis)
        if "due" in changes:
            changes["due_text"] = None  # the words it came from no longer say it
        return item.model_copy(update=changes)
    if not isinstance(edit, TextEdit):
        raise InvalidEdit(f"an item of {kind.value} is edited with its text only",
                          'send {"text": "..."}')
    field = "message" if kind == ItemKind.WARNINGS else "text"
    return item.model_copy(update={field: edit.text.strip()})


def _side(owner: str | None, analysis: Analysis) -> str | None:
    """The owner's side (mine / theirs on the home page) from their name."""
    key = name_key(owner or "")
    return {name_key(analysis.manager): "manager", name_key(analysis.report): "report"}.get(key)


def apply_edit(analysis: Analysis, kind: ItemKind, index: int, edit: Edit | None) -> Analysis:
    """The analysis with item `index` of `kind` replaced by `edit`, or removed (None)."""
    check_index(analysis, kind, index)
    items = list(getattr(analysis, kind.value))
    if edit is None:
        del items[index]
    else:
        items[index] = _edited(items[index], kind, edit, analysis)
    return analysis.model_copy(update={kind.value: items})
