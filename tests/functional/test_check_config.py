"""``aidregistry check-config`` names every unsafe production setting."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

SAFE = {
    "AIDREGISTRY_ENV": "production",
    "AIDREGISTRY_SECRET_KEY": secrets.token_urlsafe(48),
    "AIDREGISTRY_DATABASE_URL": "postgresql+psycopg://aid@127.0.0.1:5432/aidregistry",
    "AIDREGISTRY_REDIS_URL": "redis://127.0.0.1:6379/0",
    "AIDREGISTRY_TRUSTED_HOSTS": "aid.example.org",
    "AIDREGISTRY_MAIL_LOG_ONLY": "0",
    "AIDREGISTRY_SMTP_HOST": "smtp.example.org",
    "AIDREGISTRY_STORAGE_URL": "s3://aidregistry-files/attachments",
}


def check_config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AIDREGISTRY_")}
    environ.update({**SAFE, "AIDREGISTRY_INSTANCE_PATH": str(tmp_path), **env})
    environ = {k: v for k, v in environ.items() if v != "-"}
    return subprocess.run(  # noqa: S603 - our own console script
        [str(Path(sys.executable).parent / "aidregistry"), "check-config"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_safe_production_configuration_passes(tmp_path: Path) -> None:
    result = check_config(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "safe" in result.stdout


def test_each_unsafe_setting_is_named(tmp_path: Path) -> None:
    result = check_config(
        tmp_path,
        AIDREGISTRY_DATABASE_URL="-",
        AIDREGISTRY_REDIS_URL="-",
        AIDREGISTRY_TRUSTED_HOSTS="-",
        AIDREGISTRY_MAIL_LOG_ONLY="1",
        AIDREGISTRY_PROXY_COUNT="5",
        AIDREGISTRY_STORAGE_URL="-",
    )
    assert result.returncode == 1
    for words in ("SQLite", "REDIS_URL", "TRUSTED_HOSTS", "mail is only logged", "PROXY_COUNT",
                  "STORAGE_URL"):
        assert words in result.stdout


def test_a_weak_production_key_refuses_to_start(tmp_path: Path) -> None:
    result = check_config(tmp_path, AIDREGISTRY_SECRET_KEY="changeme")
    assert result.returncode == 2
    assert "AIDREGISTRY_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
