"""Password hashing (argon2id at the OWASP/ASVS parameters) and password rules."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024


class Hasher:
    """Hashes and checks passwords; parameters come from the app's configuration."""

    def __init__(self, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
        )
        # Verified against when an account does not exist, so that a wrong e-mail
        # address costs as much time as a wrong password (no account enumeration).
        self._dummy = self._hasher.hash("not a real password, only spends time")

    def hash(self, password: str) -> str:
        """An argon2id hash of ``password``."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """True when ``password`` matches ``stored``; as slow when nothing is stored."""
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """True when ``stored`` was made with other parameters."""
        return self._hasher.check_needs_rehash(stored)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """A shipped list of commonly used passwords, lower-cased."""
    text = resources.files("aidregistry.data").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords():
        return "This password is on a list of commonly used passwords; choose another."
    personal = {part for part in (email.split("@")[0].lower(), name.lower()) if len(part) >= 4}
    if any(
        lowered == part or (lowered.startswith(part) and len(lowered) - len(part) < 4)
        for part in personal
    ):
        return "The password is too close to your name or e-mail address."
    return None
