"""Liveness probe: answers without touching the database or loading any model."""

from fastapi import APIRouter

from api.auth import public
from copilot import __version__

router = APIRouter(prefix="/healthz", tags=["health"])


@router.get("", dependencies=[public()])
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
