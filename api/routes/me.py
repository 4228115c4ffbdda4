"""The signed-in user's own account: their language, their password."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import SESSION_COOKIE, ScopedStore, allow
from api.errors import responses
from copilot import accounts
from copilot.models import AccountRole, AuditAction, Language, Principal

router = APIRouter(prefix="/me", tags=["accounts"])
ANYONE = allow(*AccountRole)


class MeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language | None = Field(description="fr or en; null follows the browser.")


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current: str = Field(max_length=1024)
    new: str = Field(max_length=1024, description=f"At least {accounts.MIN_PASSWORD} "
                     "characters.")


@router.patch("", dependencies=[ANYONE], response_model=Principal,
              responses=responses(401, 422, 503))
def update_me(body: MeIn, store: ScopedStore) -> Principal:
    """Set your language (the pages' and the analysis texts')."""
    return store.set_language(body.language)


@router.put("/password", dependencies=[ANYONE], status_code=204, response_class=Response,
            responses=responses(400, 401, 403, 422, 503))
def change_password(body: PasswordIn, request: Request,
                    store: ScopedStore) -> Response:
    """Change your password: 403 when `current` is wrong. Your other browser sessions end
    (this one stays); API tokens are not affected (revoke them at /v1/tokens)."""
    cookie = request.cookies.get(SESSION_COOKIE) if store.principal.via == "session" else None
    ended = accounts.change_password(store, body.current, body.new, cookie)
    store.audit(AuditAction.CHANGE, "user", str(store.principal.user_id),
                detail={"password": True, "sessions_ended": ended})
    return Response(status_code=204)
