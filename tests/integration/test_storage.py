"""The file storage: the same tests on the instance folder and on a real S3 API server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aidregistry.storage import FilesystemStorage, S3Storage, StorageError, storage_from_config


@pytest.fixture
def storage(storage_settings: dict[str, Any], tmp_path: Path) -> Any:
    return storage_from_config(storage_settings, str(tmp_path))


def test_the_settings_choose_the_back_end(storage: Any, storage_settings: dict[str, Any]) -> None:
    s3 = storage_settings["AIDREGISTRY_STORAGE_URL"].startswith("s3://")
    assert isinstance(storage, S3Storage if s3 else FilesystemStorage)


def test_put_get_replace_delete(storage: Any) -> None:
    key = "attachments/ab/abcdef"
    assert not storage.exists(key)
    storage.put(key, b"%PDF-1.7 first", "application/pdf")
    assert storage.exists(key)
    assert storage.get(key) == b"%PDF-1.7 first"
    storage.put(key, b"%PDF-1.7 second", "application/pdf")
    assert storage.get(key) == b"%PDF-1.7 second"
    storage.delete(key)
    assert not storage.exists(key)
    storage.delete(key)  # deleting what is gone is no error


def test_a_missing_file_is_a_storage_error(storage: Any) -> None:
    with pytest.raises(StorageError):
        storage.get("attachments/00/missing")


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "a//b", "attachments/../x",
                                 "Attachments/X", "a b", ""])
def test_keys_are_the_registrys_own(storage: Any, key: str) -> None:
    with pytest.raises(StorageError):
        storage.put(key, b"x", "application/pdf")


def test_large_files_arrive_whole(storage: Any) -> None:
    data = bytes(range(256)) * 40_000  # 10 MB
    storage.put("attachments/ff/large", data, "application/pdf")
    assert storage.get("attachments/ff/large") == data


def test_the_default_is_the_instance_folder(tmp_path: Path) -> None:
    storage = storage_from_config({}, str(tmp_path))
    storage.put("attachments/aa/x", b"data", "image/png")
    assert (tmp_path / "files" / "attachments" / "aa" / "x").read_bytes() == b"data"
