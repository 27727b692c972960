"""Signing keys of user tokens and the JSON Web Key Set that publishes their public half.

Identity holds the private key; every other service only ever sees the JWKS. A key's
`kid` is its RFC 7638 thumbprint, so the same key always has the same id everywhere.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

__all__ = ["SUPPORTED_ALGORITHMS", "SigningKey", "generate_signing_key_pem", "thumbprint"]

SUPPORTED_ALGORITHMS = ("EdDSA", "RS256")

# RFC 7638: the members that identify a key, by key type.
_THUMBPRINT_MEMBERS = {"OKP": ("crv", "kty", "x"), "RSA": ("e", "kty", "n")}


def thumbprint(jwk: dict[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public JWK, base64url without padding."""
    members = {name: jwk[name] for name in _THUMBPRINT_MEMBERS[jwk["kty"]]}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode())
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def generate_signing_key_pem() -> str:
    """A new Ed25519 private key in unencrypted PKCS#8 PEM."""
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key (Ed25519 → EdDSA, RSA → RS256), its algorithm and its key id."""

    private_key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
    algorithm: str
    kid: str

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        """Load a PEM private key; raises `ValueError` for any other kind of key."""
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if isinstance(key, ed25519.Ed25519PrivateKey):
            algorithm = "EdDSA"
            public = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
        elif isinstance(key, rsa.RSAPrivateKey):
            if key.key_size < 2048:
                raise ValueError("an RSA signing key needs at least 2048 bits")
            algorithm = "RS256"
            public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        else:
            raise ValueError("the signing key must be Ed25519 or RSA")
        return cls(key, algorithm, thumbprint(public))

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK, with its `kid`, `alg` and `use`."""
        public = self.private_key.public_key()
        if isinstance(public, ed25519.Ed25519PublicKey):
            jwk = OKPAlgorithm.to_jwk(public, as_dict=True)
        else:
            jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
        return {**jwk, "kid": self.kid, "alg": self.algorithm, "use": "sig"}
