"""Users as salted hashes: enough to count one vote per person, never enough to name them.

The salt is random, made once when the store is created and kept in its ``meta`` table, so
hashes are stable across restarts (a vote can be changed after one) but mean nothing outside
this file: the same user hashes differently in another bot's store, and a list of known user
ids cannot be hashed to find someone without the salt. Copying the file copies the salt, so a
backup is as private as the original, no more.
"""

from __future__ import annotations

import hashlib
import secrets

SALT_BYTES = 16


def new_salt() -> str:
    """A fresh random salt, as hex."""
    return secrets.token_hex(SALT_BYTES)


def hash_user(salt: str, user_id: int) -> str:
    """The keyed BLAKE2b of a Telegram user id: 32 hex characters."""
    digest = hashlib.blake2b(str(user_id).encode(), key=bytes.fromhex(salt), digest_size=16)
    return digest.hexdigest()
