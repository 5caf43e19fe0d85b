"""Access tokens from the identity provider, verified with PyJWT against its published keys.

A token is taken only when it is signed with an allowed asymmetric algorithm (never ``none``,
never an HMAC whose "secret" could be the provider's public key) by a key the provider
publishes, names this API as its audience and the provider as its issuer, and has not expired.
"""

from __future__ import annotations

from typing import Any

import jwt

from aios.users.oidc.keys import ProviderKeys

REQUIRED = ["exp", "iat", "iss", "aud", "sub"]


class TokenRefused(Exception):
    """The token is not one aios takes; the message says why, for the caller."""


def looks_like_jwt(token: str) -> bool:
    """Whether ``token`` has a JWT's three parts (an API key, ``aios_…``, has none)."""
    return token.count(".") == 2


class AccessTokens:
    def __init__(self, keys: ProviderKeys, audience: str, leeway_s: float = 30.0) -> None:
        self.keys = keys
        self.audience = audience
        # Clocks of the provider and aios differ a little; a token is not refused for seconds.
        self.leeway_s = leeway_s

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of ``token``, verified; TokenRefused with the reason otherwise (and
        ProviderUnavailable when the provider's keys cannot be read)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise TokenRefused("The token is not a signed JWT.") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self.keys.algorithms:
            allowed = ", ".join(sorted(self.keys.algorithms))
            raise TokenRefused(f"The token is signed with {alg!r}; aios accepts {allowed}.")
        if not isinstance(kid, str) or not kid:
            raise TokenRefused("The token names no signing key (kid).")
        key = self.keys.key(kid)
        if key is None:
            raise TokenRefused(
                f"The token is signed with key {kid!r}, which {self.keys.issuer} does not "
                "publish (rotated out, or not the provider's)."
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.keys.issuer,
                leeway=self.leeway_s,
                options={"require": REQUIRED},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRefused("The token has expired; sign in again.") from None
        except jwt.InvalidAudienceError:
            raise TokenRefused(
                f"The token is not for this API (audience {self.audience!r})."
            ) from None
        except jwt.InvalidIssuerError:
            raise TokenRefused(f"The token was not issued by {self.keys.issuer}.") from None
        except jwt.MissingRequiredClaimError as missing:
            raise TokenRefused(f"The token has no {missing.claim!r} claim.") from None
        except jwt.InvalidSignatureError:
            raise TokenRefused("The token's signature does not verify.") from None
        except jwt.PyJWTError as exc:
            raise TokenRefused(f"The token is not valid: {exc}.") from None
        return claims
