"""Rate limits shared by several pages.

Every form that checks a signed-in person's password (the password page, creating an API
token, the second-factor settings) counts against one limit per account, the sign-in
page's: ten attempts in five minutes, so that a stolen session cannot guess its way to the
password through whichever form answers.
"""

from __future__ import annotations

from flask_limiter.util import get_remote_address
from flask_login import current_user

from aidregistry.extensions import limiter

SIGN_IN_LIMIT = "10 per 5 minutes"


def account_key() -> str:
    """The signed-in account (its id, which a password change keeps), else the address."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"address:{get_remote_address()}"


password_check_per_account = limiter.shared_limit(
    SIGN_IN_LIMIT, scope="password-check", key_func=account_key, methods=["POST"]
)
password_check_per_address = limiter.shared_limit(
    SIGN_IN_LIMIT, scope="password-check-address", methods=["POST"]
)
