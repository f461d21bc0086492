"""The application factory: the only place that wires Flask together."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, request, session
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from aidregistry import config as settings
from aidregistry.database import read_only_transaction
from aidregistry.extensions import babel, csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> str:
    """templates/ and static/: inside the package when installed as a wheel, beside it otherwise."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings read from the environment."""
    overrides = dict(config or {})
    env = str(
        overrides.get("AIDREGISTRY_ENV") or os.environ.get("AIDREGISTRY_ENV") or "development"
    )
    if env not in settings.ENVIRONMENTS:
        raise settings.ConfigError(
            f"AIDREGISTRY_ENV must be one of {settings.ENVIRONMENTS}, not {env!r}"
        )
    app = Flask(
        __name__,
        template_folder=_resource_dir("templates"),
        static_folder=_resource_dir("static"),
        instance_path=os.environ.get("AIDREGISTRY_INSTANCE_PATH") or None,
    )
    _configure(app, env, overrides)
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    from aidregistry.cli import register_commands

    register_commands(app)
    return app


def _configure(app: Flask, env: str, overrides: dict[str, Any]) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings.base_config(env, app.instance_path))
    values = settings.from_environment(os.environ)
    app.config.update({key: value for key, value in values.items() if value is not None})
    app.config.update(overrides)
    app.config["AIDREGISTRY_ENV"] = env
    if env == "production":
        app.config["DEBUG"] = False  # the debugger never runs in production, whatever is set
    settings.ensure_secret_key(app.config, env, app.instance_path)
    settings.nominatim_settings(app.config)  # refuse a half-configured online geocoder now
    redis_url = app.config.get("AIDREGISTRY_REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    # When Redis is unreachable, limits fall back to this process's memory instead of
    # turning every login into a server error.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    proxies = int(app.config.get("AIDREGISTRY_PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    _configure_logging(app.config.get("AIDREGISTRY_LOG_LEVEL", "INFO"))


def _configure_logging(level: str) -> None:
    """Send the app's log lines (one per request, the log-only mailer's messages) to stderr.

    Without a handler Python drops INFO lines, so neither ``flask run`` nor gunicorn showed
    them; a handler configured by the host (logging config, pytest) is left alone.
    """
    logger = logging.getLogger("aidregistry")
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))  # request lines stay pure JSON
        logger.addHandler(handler)


def _init_extensions(app: Flask) -> None:
    import aidregistry.database
    import aidregistry.models  # noqa: F401 - registers every table

    db.init_app(app)
    migrate.init_app(app, db, directory=_resource_dir("migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the sign-in page says why on its own
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    from aidregistry.services import mailer
    from aidregistry.services.passwords import Hasher

    mailer.init_app(app)

    app.extensions["aidregistry.hasher"] = Hasher(**app.config["PASSWORD_HASH_PARAMS"])


def _load_user(token: str) -> Any:
    from aidregistry.services.accounts import load_user_by_token

    return load_user_by_token(db.session(), token)


def _select_locale() -> str:
    languages = list(current_app_languages())
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or "en"


def current_app_languages() -> Mapping[str, str]:
    """The languages the site speaks: code → name in that language."""
    from flask import current_app

    languages: Mapping[str, str] = current_app.config["LANGUAGES"]
    return languages


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in every route, bounded to database ids: a larger number is a 404, not a
    database overflow. (Raising here, rather than not matching, keeps the router from
    trying other rules and answering 405.)"""

    LARGEST = 2**31 - 1

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > self.LARGEST:
            raise NotFound()
        return number


def _register_blueprints(app: Flask) -> None:
    from aidregistry.web import register_blueprints

    app.url_map.converters["int"] = RecordIdConverter
    register_blueprints(app)


def _register_request_hooks(app: Flask) -> None:
    from aidregistry.web.security import register_security

    @app.before_request
    def _transaction_kind() -> None:
        # Reads run side by side on SQLite; writes queue (see aidregistry/database.py).
        g.read_only_token = read_only_transaction.set(request.method in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _reset_transaction_kind(_exc: BaseException | None) -> None:
        token = g.pop("read_only_token", None)
        if token is not None:
            read_only_transaction.reset(token)

    register_security(app)
