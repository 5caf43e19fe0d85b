"""Typed operations over the CRM and ERP systems, reachable in-process or over HTTP."""
