"""The search page: copilot.memory.search over the meetings the reader sees (members, like
GET /v1/search), each hit linking to its line in the meeting, the query's words marked."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from copilot.memory import people as ppl
from copilot.memory.search import search as run_search
from copilot.models import AccountRole
from copilot.text import fold
from web.render import page
from web.session import PageStore, reader

router = APIRouter()
_WORD = re.compile(r"\w+")
MIN_TERM = 3  # shorter words ("le", "a") would mark half of every line


def highlight(text: str, query: str) -> Markup:
    """`text` escaped, with each word that starts with a word of `query` (ignoring case and
    accents) in <mark>."""
    terms = [t for t in _WORD.findall(fold(query)) if len(t) >= MIN_TERM]
    out, last = [], 0
    for found in _WORD.finditer(text):
        word = fold(found.group())
        if any(word.startswith(t) for t in terms):
            out += [escape(text[last:found.start()]), Markup("<mark>"),
                    escape(found.group()), Markup("</mark>")]
            last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@router.get("/search", dependencies=[reader(AccountRole.MANAGER, AccountRole.REPORT)])
def search_page(request: Request, store: PageStore,
                q: Annotated[str, Query(max_length=500)] = "",
                person: Annotated[str, Query(max_length=200)] = "") -> Response:
    results = run_search(store, q, person or None, None, 30) if q.strip() else None
    hits = [(hit, highlight(hit.text, q)) for hit in results.hits] if results else []
    people = [p.name for p in ppl.list_all(store)]
    return page(request, "search.html", q=q, person=person, results=results, hits=hits,
                people=people)
