"""The wheel ships every package, and the app finds its templates, static files and migrations."""

from __future__ import annotations

import configparser
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_setup_cfg() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "aidregistry").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set()
    assert {"aidregistry.templates", "aidregistry.static", "aidregistry.migrations"} <= listed


def test_the_app_finds_its_resources(app: Flask) -> None:
    assert Path(app.template_folder or "", "base.html").is_file()
    assert Path(app.static_folder or "", "css", "site.css").is_file()
    assert Path(app.extensions["migrate"].directory, "env.py").is_file()
