"""The signature algorithms a provider's tokens may be accepted with (settings check the
allow-list against this without loading the JOSE library)."""

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
"""Signatures only the provider's private key makes: never ``none``, never an HMAC, whose
"secret" an attacker could set to the provider's public key."""
