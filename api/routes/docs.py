"""The API's documentation page, with Swagger UI served from the installed `swagger-ui-bundle`
package: FastAPI's default page loads its script and style from a CDN, so offline it is blank
and online it tells a third party who reads the docs."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.auth import public

ASSETS = "/docs/assets"
router = APIRouter(prefix="/docs", include_in_schema=False)


@router.get("", dependencies=[public()], response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    """Public, like /openapi.json: the page holds no data, only the API's shape."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json", title="1:1 copilot - API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")


def install(app: FastAPI) -> None:
    """Mount the bundled Swagger UI files and the page (the app is built with docs_url=None)."""
    from swagger_ui_bundle import swagger_ui_path  # the assets, from the package registry

    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.include_router(router)
