"""Signing in through the company's identity provider (OpenID Connect): its access tokens
verified against its published keys (``tokens``, ``keys``), its groups mapped to aios roles
(``groups``), its people linked to users of the directory (``people``); ``provider`` puts
them together for a front end."""
