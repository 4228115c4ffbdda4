"""axe-core on every page a manager, a report and an admin open after the first upload, at
desktop and phone sizes, with the screenshots of the main ones (docs/screenshots when
COPILOT_SCREENSHOTS=1)."""

from __future__ import annotations

import pytest

from copilot.memory.store import Store
from copilot.models import Sharing
from tests.browser.browser_kit import (
    ADMIN,
    MANAGER,
    REPORT,
    VIEWPORTS,
    screenshot,
    serious_violations,
)

SHOTS = {"meeting", "agenda", "coaching", "report-home"}


def _share(server, meeting_id: str) -> None:
    with Store.open(server["settings"]) as store:
        claire = store.acting_as(store.principal_for_user(store.user(MANAGER).id))
        claire.set_sharing(meeting_id, Sharing(recap=True))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_pages_have_no_serious_accessibility_problem(open_page, server, walk,
                                                         viewport) -> None:
    _share(server, walk)  # the report's home and recap have something to show
    manager, report, admin = (open_page(viewport, signed_in=who)
                              for who in (MANAGER, REPORT, ADMIN))
    pages = {"meeting": (manager, f"/meetings/{walk}#u7"),
             "agenda": (manager, "/people/Julien/agenda"), "coaching": (manager, "/coaching"),
             "recap-edit": (manager, f"/meetings/{walk}/recap/edit"),
             "people": (manager, "/people"), "person": (manager, "/people/Julien"),
             "search": (manager, "/search?q=rapport"), "account": (manager, "/account"),
             "report-home": (report, "/"), "recap": (report, f"/meetings/{walk}"),
             "report-agenda": (report, "/people/Julien/agenda"), "admin-home": (admin, "/")}
    found = {}
    for name, (tab, path) in pages.items():
        assert tab.goto(path).status == 200, name
        found[name] = serious_violations(tab)
        if name in SHOTS:
            screenshot(tab, f"{name}-{viewport}")
    assert found == {name: [] for name in pages}, found
