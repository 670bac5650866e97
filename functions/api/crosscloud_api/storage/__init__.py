"""The object store interface and the factory that picks S3 or GCS from ``STORAGE_URL``."""

from typing import Protocol

from crosscloud_api.storage.model import ObjectInfo, ObjectPage, SignedUrl

__all__ = ["ObjectInfo", "ObjectPage", "ObjectStore", "SignedUrl", "open_store"]


class ObjectStore(Protocol):
    """What the files routes need from a bucket, whichever cloud holds it."""

    def list(self, prefix: str, limit: int, cursor: str | None) -> ObjectPage:
        """One page of objects under ``prefix``, ordered by key."""
        ...

    def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Store ``data`` under ``key`` and return its metadata."""
        ...

    def head(self, key: str) -> ObjectInfo:
        """Metadata of one object; NotFoundError when absent."""
        ...

    def delete(self, key: str) -> None:
        """Delete one object; NotFoundError when absent."""
        ...

    def download_url(self, key: str, expires_in: int) -> SignedUrl:
        """A time-limited GET URL for one object."""
        ...

    def upload_url(self, key: str, content_type: str, expires_in: int) -> SignedUrl:
        """A time-limited PUT URL that stores a body of ``content_type`` under ``key``."""
        ...

    def check(self) -> None:
        """Raise BackendUnavailableError unless the bucket answers."""
        ...


def open_store(storage_url: str, signing_endpoint: str | None = None) -> ObjectStore:
    """Build the store for ``s3://bucket`` or ``gs://bucket``; clients are created on first use."""
    scheme, _, bucket = storage_url.partition("://")
    if scheme == "s3":
        from crosscloud_api.storage.s3 import S3Store

        return S3Store(bucket)
    # Settings validated the scheme, so anything else is gs://. The GCS library is
    # imported only here, which keeps it out of the Lambda cold start.
    from crosscloud_api.storage.gcs import GcsStore

    return GcsStore(bucket, signing_endpoint=signing_endpoint)
