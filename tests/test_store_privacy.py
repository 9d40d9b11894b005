"""Users as salted hashes."""

from __future__ import annotations

from bot.store.privacy import hash_user, new_salt


def test_hashes_depend_on_the_salt_and_the_user():
    salt, other = new_salt(), new_salt()
    assert salt != other
    assert hash_user(salt, 5) == hash_user(salt, 5)
    assert hash_user(salt, 5) != hash_user(salt, 6)
    assert hash_user(salt, 5) != hash_user(other, 5)
    assert len(hash_user(salt, 5)) == 32
