"""Swagger UI at ``/docs`` from files on local disk: FastAPI's own page loads its script and
style from a CDN, so on a machine without internet it stays blank. The assets come from the
``swagger-ui-bundle-v2`` package (Swagger UI 5, which reads OpenAPI 3.1 as FastAPI writes it).

Here, not in aios, because both serve it: the stub CRM/ERP servers (which must not import
aios) and aios' HTTP API.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"


def serve_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` for ``app``, which was built with ``docs_url=None``."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        # Behind a proxy that strips a prefix, every URL the page loads needs it back.
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — API reference",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=None,
        )
