"""``aios systems …``: serve the stub CRM and ERP as HTTP JSON APIs."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import typer
from rich.console import Console

from aios.settings import Settings

app = typer.Typer(help="The stub CRM and ERP systems aios works on.", no_args_is_help=True)
console = Console()


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


@app.command()
def serve(
    log_level: str = typer.Option("warning", help="uvicorn log level."),
) -> None:
    """Serve the CRM and ERP APIs at AIOS_CRM_BASE_URL and AIOS_ERP_BASE_URL (loopback)."""
    # The web servers and the systems' stores: imported to serve, not when the CLI starts.
    import uvicorn

    from aios.wiring import open_systems
    from connectors.server import create_app

    settings = Settings()
    systems = open_systems(settings)
    servers = []
    for name, base_url in (("crm", settings.crm_base_url), ("erp", settings.erp_base_url)):
        host, port = _host_port(base_url)
        config = uvicorn.Config(
            create_app(systems[name]), host=host, port=port, log_level=log_level
        )
        servers.append(uvicorn.Server(config))
        console.print(f"[bold]{name.upper()}[/] serving on http://{host}:{port} (docs: /docs)")

    async def run_all() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(run_all())
