"""Where uploaded files live: the instance folder by default, S3-compatible object storage in
production (``AIDREGISTRY_STORAGE_URL=s3://bucket/prefix``).

Both back ends keep opaque keys chosen by the registry (never a name a person typed) and are
used the same way: :meth:`Storage.put` before the database row that names the key is
committed, so that a committed row always finds its file; a file whose row was rolled back is
an orphan, harmless and never served.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

KEY = re.compile(r"^[a-z0-9][a-z0-9/_-]{0,199}$")


class StorageError(RuntimeError):
    """A file could not be stored or read."""


class Storage(Protocol):
    """Put, get and delete files by key."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key`` (replacing any file there)."""

    def get(self, key: str) -> bytes:
        """The file under ``key``; :class:`StorageError` when there is none."""

    def delete(self, key: str) -> None:
        """Remove the file under ``key`` (nothing when there is none)."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""


def _checked(key: str) -> str:
    if not KEY.match(key) or ".." in key or "//" in key:
        raise StorageError(f"not a storage key: {key!r}")
    return key


class FilesystemStorage:
    """Files under a folder (the instance folder's ``files/`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write to a temporary file beside the target and rename it over: a crash leaves
        the old file or the new one, never half of one."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(f"no file under {key}") from exc

    def delete(self, key: str) -> None:
        """Remove the file."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether the file is there."""
        return self._path(key).is_file()


class S3Storage:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph …) through boto3.

    Credentials come from boto3's usual chain (environment, shared files, instance role);
    the registry's settings hold only the bucket, a key prefix, the endpoint and region.
    """

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{_checked(key)}" if self.prefix else _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object (served only through the registry, never from the bucket)."""
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
            ContentDisposition="attachment",
        )

    def get(self, key: str) -> bytes:
        """The object's bytes."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            raise StorageError(f"no object under {key}") from exc
        return bytes(answer["Body"].read())

    def delete(self, key: str) -> None:
        """Remove the object."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        """Whether the object is there."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError:
            return False
        return True


def storage_from_config(config: Any, instance_path: str) -> Storage:
    """The storage the settings name: ``AIDREGISTRY_STORAGE_URL`` (``s3://bucket/prefix``,
    or a folder path), the instance folder's ``files/`` when unset."""
    url = config.get("AIDREGISTRY_STORAGE_URL") or ""
    if not url:
        return FilesystemStorage(Path(instance_path) / "files")
    parts = urlsplit(url)
    if parts.scheme != "s3":
        return FilesystemStorage(Path(parts.path if parts.scheme == "file" else url))
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=config.get("AIDREGISTRY_S3_ENDPOINT_URL") or None,
        region_name=config.get("AIDREGISTRY_S3_REGION") or None,
    )
    return S3Storage(client, parts.netloc, parts.path)
