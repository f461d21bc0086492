"""Settings read from environment variables with the ``AIDREGISTRY_`` prefix.

Every setting has a safe default for a development machine: SQLite in the instance
folder, a secret key generated once and kept there. A production start refuses
weak or missing secrets instead of running with them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PREFIX = "AIDREGISTRY_"
ENVIRONMENTS = ("development", "production", "testing")
# Values seen in tutorials and templates: a production key equal to any of them is no secret.
KNOWN_WEAK_KEYS = frozenset(
    {"dev", "development", "secret", "changeme", "change-me", "test", "testing", "default"}
)
MIN_SECRET_LENGTH = 32
DEV_KEY_FILE = "dev-secret-key"


class ConfigError(RuntimeError):
    """A setting makes a safe start impossible; the message says which and how to fix it."""


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name without the prefix, the Flask key, a parser."""

    env: str
    key: str
    default: Any
    kind: str = "str"
    help: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("ENV", "AIDREGISTRY_ENV", "development", help="development, production or testing"),
    Setting("SECRET_KEY", "SECRET_KEY", None, help="at least 32 random characters in production"),
    Setting(
        "DATABASE_URL",
        "SQLALCHEMY_DATABASE_URI",
        None,
        help="postgresql+psycopg://user@host/db; default SQLite in the instance folder",
    ),
    Setting(
        "REDIS_URL",
        "AIDREGISTRY_REDIS_URL",
        None,
        help="redis://host:6379/0 for rate limits shared by all workers",
    ),
    Setting(
        "TRUSTED_HOSTS",
        "TRUSTED_HOSTS",
        None,
        "list",
        help="comma-separated host names the site answers to",
    ),
    Setting(
        "PROXY_COUNT",
        "AIDREGISTRY_PROXY_COUNT",
        0,
        "int",
        help="number of reverse proxies whose X-Forwarded-* headers are trusted",
    ),
    Setting(
        "TILE_URL",
        "AIDREGISTRY_TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        help="map tile URL template",
    ),
    Setting(
        "TILE_ATTRIBUTION",
        "AIDREGISTRY_TILE_ATTRIBUTION",
        "&copy; OpenStreetMap contributors",
        help="attribution shown under the map",
    ),
    Setting(
        "GAZETTEER_PATH",
        "AIDREGISTRY_GAZETTEER_PATH",
        None,
        help="where the offline place index is kept; default the instance folder",
    ),
    Setting(
        "GAZETTEER_MIN_POPULATION",
        "AIDREGISTRY_GAZETTEER_MIN_POPULATION",
        1000,
        "int",
        help="smallest place in the offline index: 500, 1000, 5000 or 15000 inhabitants",
    ),
    Setting(
        "NOMINATIM_URL",
        "AIDREGISTRY_NOMINATIM_URL",
        None,
        help="enable online geocoding, e.g. https://nominatim.openstreetmap.org",
    ),
    Setting(
        "NOMINATIM_USER_AGENT",
        "AIDREGISTRY_NOMINATIM_USER_AGENT",
        None,
        help="identifying user agent for the online geocoder (required with it)",
    ),
    Setting(
        "MAIL_LOG_ONLY",
        "AIDREGISTRY_MAIL_LOG_ONLY",
        True,
        "bool",
        help="write outgoing notices to the log instead of sending them",
    ),
    Setting(
        "MAIL_BACKGROUND",
        "AIDREGISTRY_MAIL_BACKGROUND",
        True,
        "bool",
        help="send notices from a background thread after the commit (0: in the request)",
    ),
    Setting(
        "MAIL_QUEUE_SIZE",
        "AIDREGISTRY_MAIL_QUEUE_SIZE",
        1000,
        "int",
        help="notices waiting to be sent, at most; more are dropped and logged",
    ),
    Setting(
        "MATCH_WEB_MAX_RECORDS",
        "AIDREGISTRY_MATCH_WEB_MAX_RECORDS",
        50_000,
        "int",
        help="donations plus needs a matcher run started from the site may cover, at most",
    ),
    Setting(
        "STORAGE_URL",
        "AIDREGISTRY_STORAGE_URL",
        None,
        help="where uploaded files are kept: s3://bucket/prefix, or a folder; "
        "default the instance folder's files/",
    ),
    Setting(
        "S3_ENDPOINT_URL",
        "AIDREGISTRY_S3_ENDPOINT_URL",
        None,
        help="an S3-compatible server's URL (MinIO, Ceph …); empty for AWS",
    ),
    Setting("S3_REGION", "AIDREGISTRY_S3_REGION", None, help="the bucket's region"),
    Setting(
        "ATTACHMENT_MAX_BYTES",
        "AIDREGISTRY_ATTACHMENT_MAX_BYTES",
        10 * 1024 * 1024,
        "int",
        help="largest file accepted as an attachment, in bytes",
    ),
    Setting("SMTP_HOST", "AIDREGISTRY_SMTP_HOST", None, help="SMTP server for outgoing mail"),
    Setting("SMTP_PORT", "AIDREGISTRY_SMTP_PORT", 587, "int", help="SMTP port"),
    Setting("SMTP_USER", "AIDREGISTRY_SMTP_USER", None, help="SMTP user name, if it needs one"),
    Setting("SMTP_PASSWORD", "AIDREGISTRY_SMTP_PASSWORD", None, help="SMTP password"),
    Setting("SMTP_STARTTLS", "AIDREGISTRY_SMTP_STARTTLS", True, "bool", help="use STARTTLS"),
    Setting("MAIL_FROM", "AIDREGISTRY_MAIL_FROM", None, help="sender address of notices"),
    Setting("LOG_LEVEL", "AIDREGISTRY_LOG_LEVEL", "INFO", help="logging level"),
    Setting(
        "IDLE_MINUTES_COORDINATOR",
        "AIDREGISTRY_IDLE_MINUTES_COORDINATOR",
        30,
        "int",
        help="a coordinator's session ends after this many minutes without a request",
    ),
    Setting(
        "IDLE_MINUTES",
        "AIDREGISTRY_IDLE_MINUTES",
        240,
        "int",
        help="everyone else's session ends after this many minutes without a request",
    ),
)


def _parse(setting: Setting, raw: str) -> Any:
    if setting.kind == "int":
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{PREFIX}{setting.env} must be a whole number, not {raw!r}") from exc
    if setting.kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if setting.kind == "list":
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read every known ``AIDREGISTRY_*`` variable present in ``environ``."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(PREFIX + setting.env)
        values[setting.key] = setting.default if raw in (None, "") else _parse(setting, raw)
    return values


def base_config(env: str, instance_path: str) -> dict[str, Any]:
    """Flask settings that follow from the environment name."""
    production = env == "production"
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'aidregistry.sqlite'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 3600,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": {"en": "English", "zh": "中文"},
        "PASSWORD_HASH_PARAMS": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
        "RATELIMIT_HEADERS_ENABLED": True,
        "DEBUG": False,
        "TESTING": env == "testing",
    }


def ensure_secret_key(config: dict[str, Any], env: str, instance_path: str) -> None:
    """Refuse a weak key in production; elsewhere create and keep a development key."""
    key = config.get("SECRET_KEY")
    dev_file = Path(instance_path) / DEV_KEY_FILE
    if env == "production":
        _refuse_weak_key(key, dev_file)
        return
    if key:
        return
    if not dev_file.exists():
        dev_file.parent.mkdir(parents=True, exist_ok=True)
        dev_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    config["SECRET_KEY"] = dev_file.read_text(encoding="utf-8").strip()


def _refuse_weak_key(key: str | None, dev_file: Path) -> None:
    hint = (
        "set AIDREGISTRY_SECRET_KEY, e.g. to the output of: "
        'python -c "import secrets; print(secrets.token_urlsafe(48))"'
    )
    if not key:
        raise ConfigError(
            f"AIDREGISTRY_SECRET_KEY is not set; a production start needs one: {hint}"
        )
    if key.lower() in KNOWN_WEAK_KEYS or len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"AIDREGISTRY_SECRET_KEY is a development or too short key "
            f"(at least {MIN_SECRET_LENGTH} characters); {hint}"
        )
    if dev_file.exists() and dev_file.read_text(encoding="utf-8").strip() == key:
        raise ConfigError(f"AIDREGISTRY_SECRET_KEY is the generated development key; {hint}")


def nominatim_settings(config: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """(scheme, domain with any path, user agent) of the online geocoder, or None when off.

    Refuses a URL that is not http(s), and an online geocoder without an identifying
    User-Agent (Nominatim's usage policy requires one), so the app does not start half-wired.
    """
    url = str(config.get("AIDREGISTRY_NOMINATIM_URL") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"AIDREGISTRY_NOMINATIM_URL must be an http(s) URL such as "
            f"https://nominatim.openstreetmap.org, not {url!r}"
        )
    agent = str(config.get("AIDREGISTRY_NOMINATIM_USER_AGENT") or "").strip()
    if not agent:
        raise ConfigError(
            "AIDREGISTRY_NOMINATIM_URL is set but AIDREGISTRY_NOMINATIM_USER_AGENT is not: "
            "Nominatim's usage policy requires a User-Agent that identifies this deployment, "
            'e.g. AIDREGISTRY_NOMINATIM_USER_AGENT="aidregistry/1.0 (ops@example.org)"'
        )
    return parts.scheme, parts.netloc + parts.path.rstrip("/"), agent


def unsafe_production_settings(config: Mapping[str, Any]) -> list[str]:
    """Say, in plain words, each production setting that is unsafe or missing."""
    problems = []
    if config.get("DEBUG"):
        problems.append("DEBUG is on: the debugger must never run in production")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        problems.append("the database is SQLite: use PostgreSQL (AIDREGISTRY_DATABASE_URL)")
    if not config.get("AIDREGISTRY_REDIS_URL"):
        problems.append("AIDREGISTRY_REDIS_URL is not set: rate limits are per worker")
    if not config.get("TRUSTED_HOSTS"):
        problems.append("AIDREGISTRY_TRUSTED_HOSTS is not set: links follow the Host header")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("session cookies are not marked Secure")
    if not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append("remember-me cookies are not marked Secure")
    if config.get("AIDREGISTRY_MAIL_LOG_ONLY", True) or not config.get("AIDREGISTRY_SMTP_HOST"):
        problems.append(
            "mail is only logged (AIDREGISTRY_MAIL_LOG_ONLY, AIDREGISTRY_SMTP_HOST): "
            "nobody can confirm a sign-up or reset a password"
        )
    if not config.get("AIDREGISTRY_STORAGE_URL"):
        problems.append(
            "AIDREGISTRY_STORAGE_URL is not set: uploaded files stay on this server's disk, "
            "where other app servers cannot read them (use s3://bucket/prefix)"
        )
    if int(config.get("AIDREGISTRY_PROXY_COUNT") or 0) > 2:
        problems.append("AIDREGISTRY_PROXY_COUNT is over 2: is every one of those proxies yours?")
    return problems
