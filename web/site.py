"""Mounting the pages and their assets on the app (called by api.main.create_app)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web import errors
from web.render import HERE
from web.routes import (
    account,
    admin,
    agenda,
    auth,
    coaching,
    home,
    hr,
    meeting,
    new_meeting,
    people,
    recap,
    report,
    search,
)


def install(app: FastAPI) -> None:
    errors.install(app)
    # Every asset is served from the package (no CDN): the pages work offline and leak nothing.
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # /meetings/new before /meetings/{meeting_id}: the first route that matches answers.
    for module in (auth, home, new_meeting, meeting, recap, agenda, coaching, report, admin, hr,
                   account, people, search):
        app.include_router(module.router, include_in_schema=False)
