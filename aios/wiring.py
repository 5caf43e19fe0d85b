"""Builds the systems and connectors a process uses, from one Settings object."""

from __future__ import annotations

from aios.db import open_database
from aios.settings import Settings, Transport
from connectors.client import Connectors
from connectors.registry import default_registry
from connectors.system import System
from connectors.systems import SYSTEMS, build_system
from connectors.transport.http import HttpTransport
from connectors.transport.inprocess import InProcessTransport


def open_systems(settings: Settings) -> dict[str, System]:
    """The stub CRM and ERP on their databases, brought to their newest schema."""
    return {
        name: build_system(name, open_database(settings, name), create_tables=False)
        for name in SYSTEMS
    }


def open_connectors(settings: Settings) -> Connectors:
    """Connectors over the configured transport."""
    registry = default_registry()
    if settings.transport is Transport.HTTP:
        transport: InProcessTransport | HttpTransport = HttpTransport(
            {"crm": settings.crm_base_url, "erp": settings.erp_base_url},
            timeout_s=settings.http_timeout_s,
            retries=settings.http_retries,
        )
    else:
        transport = InProcessTransport(open_systems(settings))
    return Connectors(registry, transport)
