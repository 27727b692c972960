"""Symmetric encryption of secrets at rest (Fernet: AES-128-CBC with HMAC-SHA256).

Several keys rotate: the first encrypts, all of them decrypt, so a new key is put in
front and data is re-encrypted at leisure (`SecretBox.rotate`).
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["DecryptionFailed", "SecretBox", "generate_key"]


class DecryptionFailed(Exception):
    """The ciphertext was not made with any of the keys, or was altered."""


def generate_key() -> str:
    """A new random Fernet key (url-safe base64)."""
    return Fernet.generate_key().decode()


class SecretBox:
    """Encrypts and decrypts short strings with a list of Fernet keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("a SecretBox needs at least one key")
        self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])

    @classmethod
    def from_setting(cls, value: str) -> SecretBox:
        """From a comma-separated list of keys, newest first."""
        return cls([key for key in value.split(",") if key.strip()])

    def encrypt(self, plaintext: str) -> str:
        """The ciphertext of `plaintext`, as ASCII text, under the newest key."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext of `ciphertext`; raises `DecryptionFailed` if no key opens it."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise DecryptionFailed("ciphertext does not open with any key") from error

    def rotate(self, ciphertext: str) -> str:
        """`ciphertext` re-encrypted under the newest key."""
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise DecryptionFailed("ciphertext does not open with any key") from error
