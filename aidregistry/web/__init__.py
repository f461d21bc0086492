"""Web blueprints, one per feature: blueprint name = URL prefix = template folder."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every feature's blueprint."""
    from aidregistry.extensions import limiter
    from aidregistry.web.account.views import bp as account
    from aidregistry.web.allocations.views import bp as allocations
    from aidregistry.web.assets import bp as assets
    from aidregistry.web.auth.views import bp as auth
    from aidregistry.web.coordination import history as _history  # noqa: F401 - its route
    from aidregistry.web.coordination.views import bp as coordination
    from aidregistry.web.donations.views import bp as donations
    from aidregistry.web.map.views import bp as map_
    from aidregistry.web.needs.views import bp as needs
    from aidregistry.web.public.views import bp as public

    for blueprint in (assets, public, auth, account, donations, needs, coordination, allocations,
                      map_):
        app.register_blueprint(blueprint)
    from aidregistry.web.account.tokens import bp as tokens
    from aidregistry.web.api import api_blueprint
    from aidregistry.web.exports.views import bp as exports
    from aidregistry.web.imports.views import bp as imports

    for blueprint in (tokens, exports, imports, api_blueprint()):
        app.register_blueprint(blueprint)
    from aidregistry.web.shipments.views import bp as shipments

    app.register_blueprint(shipments)
    from aidregistry.web.evidence import attachments as _attachments  # noqa: F401 - its routes
    from aidregistry.web.evidence import labels as _labels  # noqa: F401 - its template globals
    from aidregistry.web.evidence import views as _evidence_views  # noqa: F401 - its routes
    from aidregistry.web.evidence.blueprint import bp as evidence

    app.register_blueprint(evidence)
    from aidregistry.web.health import bp as health

    app.register_blueprint(health)
    limiter.exempt(health)
    register_template_helpers(app)


def register_template_helpers(app: Flask) -> None:
    """Globals and filters the templates share."""
    from flask_babel import get_locale

    from aidregistry.permissions import can, can_edit
    from aidregistry.web.assets import versions
    from aidregistry.web.quantities import exact_quantity

    asset_versions = versions()

    def asset_url(package: str, filename: str) -> str:
        from flask import url_for

        return url_for("assets.asset", name=package, version=asset_versions[package],
                       filename=filename)

    def item_name(item: object) -> str:
        return str(item.name(str(get_locale() or "en")))  # type: ignore[attr-defined]

    app.jinja_env.globals.update(
        can=can, can_edit=can_edit, asset_url=asset_url, item_name=item_name,
        exact_quantity=exact_quantity,
        current_locale=lambda: str(get_locale() or "en"),
        url_names=frozenset(app.blueprints),
    )
    app.jinja_env.filters["reject_page"] = lambda args: {
        key: value for key, value in args.items() if key != "page"}
