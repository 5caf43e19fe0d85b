"""The identity provider's signing keys: found through its discovery document, cached, and
fetched again when they are old or a token names a key the cache does not hold.

A provider rotates its keys: a new key appears in its JWKS before tokens are signed with it,
and an old one is dropped once its tokens have expired. So an unknown ``kid`` is a reason to
look again (a key rotated in), but at most once per ``min_refetch_s``, so that tokens naming
made-up keys cannot make aios hammer the provider (nor can a provider that is down: failed
reads count); and the whole set is read again after ``max_age_s`` even when every ``kid`` is
known, so that a key rotated out stops working.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from jwt import PyJWK, PyJWKError

log = logging.getLogger(__name__)

DISCOVERY = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be read (down, or not a provider)."""


class ProviderKeys:
    """The signing keys the provider at ``issuer`` publishes, by ``kid``."""

    def __init__(
        self,
        issuer: str,
        algorithms: frozenset[str],
        *,
        max_age_s: float = 600.0,
        min_refetch_s: float = 30.0,
        timeout_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.algorithms = algorithms
        self.max_age_s = max_age_s
        self.min_refetch_s = min_refetch_s
        self.timeout_s = timeout_s
        self.clock = clock
        self._jwks_uri: str | None = None
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> PyJWK | None:
        """The published key ``kid`` (one whose algorithm is allowed), or None.
        ProviderUnavailable when the keys are due to be read and cannot be."""
        with self._lock:
            now = self.clock()
            stale = self._fetched_at is None or now - self._fetched_at >= self.max_age_s
            # Failed reads count too: a provider that is down is not asked at every request.
            may_read = self._tried_at is None or now - self._tried_at >= self.min_refetch_s
            if (stale or kid not in self._keys) and may_read:
                if not stale:
                    log.info("token names key %s, not published when last read: reading", kid)
                self._tried_at = now
                self._fetch(now)
            elif stale:
                raise ProviderUnavailable(
                    f"the keys of {self.issuer} could not be read; trying again within "
                    f"{self.min_refetch_s:.0f} s"
                )
            return self._keys.get(kid)

    def _fetch(self, now: float) -> None:
        jwks = self._get(self._jwks_uri or self._discover())
        keys: dict[str, PyJWK] = {}
        for entry in jwks.get("keys", []) if isinstance(jwks.get("keys"), list) else []:
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            try:
                found = PyJWK(entry)
            except PyJWKError:
                continue  # a kind of key this library (or aios) does not verify with
            if found.key_id and found.algorithm_name in self.algorithms:
                keys[found.key_id] = found
        self._keys, self._fetched_at = keys, now

    def _discover(self) -> str:
        document = self._get(self.issuer + DISCOVERY)
        if document.get("issuer", "").rstrip("/") != self.issuer:
            # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was
            # fetched for; anything else is another provider or a misconfiguration.
            raise ProviderUnavailable(
                f"{self.issuer}{DISCOVERY} names the issuer {document.get('issuer')!r}, "
                f"not {self.issuer!r}: check AIOS_OIDC_ISSUER"
            )
        uri = document.get("jwks_uri")
        if not isinstance(uri, str) or not uri:
            raise ProviderUnavailable(f"{self.issuer}{DISCOVERY} has no jwks_uri")
        self._jwks_uri = uri
        return uri

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=self.timeout_s, follow_redirects=False)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(f"cannot read {url}: {exc}") from None
        if not isinstance(body, dict):
            raise ProviderUnavailable(f"{url} did not answer with a JSON object")
        return body
