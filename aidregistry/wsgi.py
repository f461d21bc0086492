"""The WSGI entry point for gunicorn: ``gunicorn -c gunicorn.conf.py aidregistry.wsgi:app``.

It starts in production mode unless AIDREGISTRY_ENV says otherwise, so a server never
runs with development settings by accident.
"""

from __future__ import annotations

import os

from aidregistry.app import create_app

os.environ.setdefault("AIDREGISTRY_ENV", "production")
app = create_app()
