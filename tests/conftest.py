"""Shared fixtures: an app on a fresh database per test, on SQLite or PostgreSQL.

The suite runs on SQLite by default and on PostgreSQL when AIDREGISTRY_TEST_DATABASE_URL
names a server (any database on it: the suite creates its own, one per xdist worker).
SQLite tests copy a template database made once per worker; PostgreSQL tests share one
database per worker and empty its tables after each test. The catalogue is loaded once.
"""

from __future__ import annotations

import contextvars
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from aidregistry.app import create_app
from aidregistry.extensions import db
from aidregistry.models import Base, User

PG_URL = os.environ.get("AIDREGISTRY_TEST_DATABASE_URL", "")
CATALOGUE_TABLES = (
    "item_type", "standard", "certification_equivalence", "authorisation_list", "listing_entry"
)
TEST_PASSWORD = "correct horse battery staple"
# The authenticator-app key of the coordinators the factories make (fresh per run).
TEST_TOTP_SECRET = pyotp.random_base32(32)
# A fresh key per test run: no secret is written into the repository, even for tests.
TEST_SECRET_KEY = secrets.token_urlsafe(48)
CHEAP_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL' if PG_URL else 'SQLite'}"


def base_config(url: str, gazetteer: Path) -> dict[str, Any]:
    """Settings every test app shares."""
    return {
        "AIDREGISTRY_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_PARAMS": CHEAP_HASH,
        "AIDREGISTRY_MAIL_BACKGROUND": False,  # delivered at the commit: tests read the outbox
        "RATELIMIT_ENABLED": False,
        "AIDREGISTRY_GAZETTEER_PATH": str(gazetteer),
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline place index, built once and shared by all workers."""
    from aidregistry.geocoding.gazetteer import OfflineGazetteer

    path = tmp_path_factory.getbasetemp().parent / "gazetteer.sqlite"
    OfflineGazetteer(path).close()
    return path


@pytest.fixture(scope="session")
def gazetteer_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a current index over the default GeoNames cut-off, shared across runs.

    It lives beside pytest's per-run folders (in `pytest-of-<user>/`), so later runs and xdist
    workers reuse it; `ensure_index` rebuilds it when its sources change and locks while it
    builds, so concurrent workers build it once.
    """
    from aidregistry.geocoding.index_build import DEFAULT_MIN_POPULATION, ensure_index

    base = tmp_path_factory.getbasetemp()
    root = next((p for p in base.parents if p.name.startswith("pytest-of-")), base)
    shared = root / "aidregistry-gazetteer"
    return ensure_index(shared / f"gazetteer-p{DEFAULT_MIN_POPULATION}.sqlite3")


@pytest.fixture(scope="session")
def gazetteer(gazetteer_index: Path) -> Any:
    """The offline gazetteer over the shared index."""
    from aidregistry.geocoding.gazetteer import OfflineGazetteer

    return OfflineGazetteer(gazetteer_index, build=False)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _prepare_schema(url: str, gazetteer: Path, tmp: Path) -> None:
    os.environ["AIDREGISTRY_INSTANCE_PATH"] = str(tmp / "instance-template")
    app = create_app(base_config(url, gazetteer))
    with app.app_context():
        from aidregistry.services.catalogue import load_catalogue
        from aidregistry.services.listings import load_lists

        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        load_catalogue(db.session)
        load_lists(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _database_name() -> str:
    # Unique per test run as well as per worker: two runs on one server never collide.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    return f"aidregistry_test_{_worker()}_{run}"


def _admin_execute(server: Any, *statements: str) -> None:
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    admin.dispose()


@pytest.fixture(scope="session")
def template_database(
    tmp_path_factory: pytest.TempPathFactory, gazetteer_path: Path
) -> Iterator[str]:
    """SQLite: the path of a template file; PostgreSQL: the URL of this worker's database."""
    tmp = tmp_path_factory.mktemp("db")
    if not PG_URL:
        template = tmp / "template.sqlite"
        _prepare_schema(f"sqlite:///{template}", gazetteer_path, tmp)
        yield str(template)
        return
    server = make_url(PG_URL)
    name = _database_name()
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    _admin_execute(server, drop, f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    _prepare_schema(url, gazetteer_path, tmp)
    yield url
    _admin_execute(server, drop)


def _truncate(url: str) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in CATALOGUE_TABLES]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test, with the catalogue loaded."""
    if not PG_URL:
        target = tmp_path / "test.sqlite"
        shutil.copyfile(template_database, target)
        yield f"sqlite:///{target}"
        return
    yield template_database
    _truncate(template_database)


@pytest.fixture
def app_config(database_url: str, gazetteer_path: Path) -> dict[str, Any]:
    """Settings for this test's app; tests may change them before using ``app``."""
    return base_config(database_url, gazetteer_path)


class IsolatedClient(FlaskClient):
    """Runs each request in its own application context, as a server does.

    The test's own context (factories, queries) is committed before the request, so the
    request sees it, and expired after, so the test sees what the request changed.
    Without this, ``g`` (and Flask-Login's cached user) would leak between requests.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """The application on this test's database, with an app context pushed."""
    monkeypatch.setenv("AIDREGISTRY_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Any:
    """The scoped session views use."""
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


def sign_in(
    client: FlaskClient, email: str, password: str = TEST_PASSWORD, *, remember: bool = False
) -> Any:
    """Sign in through the real forms: the password, then the second factor when the account
    has one (a code computed from its key, as the person's app would), or its enrolment (a
    coordinator's first sign-in). Returns the last response."""
    data = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    response = client.post("/auth/login", data=data)
    target = response.headers.get("Location", "") if response.status_code == 302 else ""
    if target.endswith("/auth/second-factor/enrol"):
        return enrol_second_factor(client)
    if target.endswith("/auth/second-factor"):
        user = db.session.scalar(select(User).filter_by(email=email.strip().lower()))
        code = next_code(user.totp_secret, user.totp_last_step)
        return client.post("/auth/second-factor", data={"code": code})
    return response


def next_code(secret: str, last_step: int | None) -> str:
    """The code an authenticator app shows for ``secret``, one the site has not yet accepted
    (a code is accepted once: a second sign-in in the same 30 s takes the next step's)."""
    step = max(int(time.time()) // 30, (last_step or 0) + 1)
    while step > int(time.time()) // 30 + 1:  # three sign-ins in one step: wait for the next
        time.sleep(1)
    return str(pyotp.TOTP(secret).at(step * 30))


def enrol_second_factor(client: FlaskClient) -> Any:
    """Set up the second factor on the enrolment page, reading the key it shows as text."""
    page = client.get("/auth/second-factor/enrol").get_data(as_text=True)
    key = page.split('id="enrol-key">', 1)[1].split("<", 1)[0].replace(" ", "")
    return client.post("/auth/second-factor/enrol", data={"code": next_code(key, None)})


# ---- file storage: the instance folder and a real S3 API server (moto), one suite for both --


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3 API server (moto's server mode) on loopback, for this worker's tests."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                  "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(params=["filesystem", "s3"])
def storage_settings(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Storage settings for each back end: a folder of this test's, or a fresh bucket."""
    if request.param == "filesystem":
        return {"AIDREGISTRY_STORAGE_URL": str(tmp_path / "files")}
    import boto3

    endpoint = request.getfixturevalue("s3_endpoint")
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"aidregistry-{secrets.token_hex(6)}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket)
    return {"AIDREGISTRY_STORAGE_URL": f"s3://{bucket}/files",
            "AIDREGISTRY_S3_ENDPOINT_URL": endpoint, "AIDREGISTRY_S3_REGION": "us-east-1"}
