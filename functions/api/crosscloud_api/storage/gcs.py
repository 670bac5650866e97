"""The object store on Google Cloud Storage; V4 signed URLs via a key or the IAM signBlob API."""

import base64
import functools
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import google.auth
import google.auth.transport.requests
from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Credentials, Signing
from google.cloud import storage
from google.cloud.storage.retry import DEFAULT_RETRY
from requests import exceptions as requests_exceptions

from crosscloud_api.exceptions import (
    BackendUnavailableError,
    NotFoundError,
    SettingsError,
    ValidationError,
)
from crosscloud_api.storage.model import ObjectInfo, ObjectPage, SignedUrl

TIMEOUT_SECONDS = 10
# The library's default retry keeps trying for 120 s; an API request should
# give up well within the function's own timeout and answer 503.
RETRY_SECONDS = 10.0
_UNAVAILABLE = (
    api_exceptions.RetryError,
    api_exceptions.ServerError,
    api_exceptions.TooManyRequests,
    api_exceptions.Forbidden,
    auth_exceptions.TransportError,
    auth_exceptions.RefreshError,
    requests_exceptions.ConnectionError,
    requests_exceptions.Timeout,
)


class GcsStore:
    """ObjectStore over one GCS bucket."""

    def __init__(
        self,
        bucket: str,
        client: storage.Client | None = None,
        signing_credentials: Credentials | None = None,
        signing_endpoint: str | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        """Sign with ``signing_credentials`` when given (a key), else through IAM signBlob."""
        self.bucket_name = bucket
        self._client = client
        self._signing_credentials = signing_credentials
        self._signing_endpoint = signing_endpoint
        self._lock = threading.Lock()
        self._retry = DEFAULT_RETRY.with_timeout(retry_seconds)

    @functools.cached_property
    def client(self) -> storage.Client:
        """The injected client or a default one, created on first use and then reused."""
        return self._client or storage.Client()

    @functools.cached_property
    def bucket(self) -> storage.Bucket:
        """The bucket handle (no request is made to build it)."""
        return self.client.bucket(self.bucket_name)

    def list(self, prefix: str, limit: int, cursor: str | None) -> ObjectPage:
        """One page of the objects list; ``cursor`` is GCS's page token (the API checked it)."""
        refused = "page token" if cursor else "listing"
        with _Translated(missing="bucket", refused=refused, field="cursor" if cursor else "prefix"):
            blobs = self.client.list_blobs(
                self.bucket_name,
                prefix=prefix or None,
                max_results=limit,
                page_token=cursor or None,
                timeout=TIMEOUT_SECONDS,
                retry=self._retry,
            )
            page = next(blobs.pages)
            # Listings carry no content type, as on S3 (whose listing lacks it): the
            # API answers the same on both clouds; GET /files/{key} has it.
            items = [replace(_info(blob), content_type=None) for blob in page]
        return ObjectPage(items, blobs.next_page_token or None)

    def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """Upload in one request (inline uploads are small) and report what GCS stored."""
        blob = self.bucket.blob(key)
        with _Translated(missing="bucket", refused="upload"):
            blob.upload_from_string(
                data, content_type=content_type, timeout=TIMEOUT_SECONDS, retry=self._retry
            )
        return _info(blob)

    def head(self, key: str) -> ObjectInfo:
        """The object's metadata."""
        with _Translated(missing="object", refused="metadata request"):
            blob = self.bucket.get_blob(key, timeout=TIMEOUT_SECONDS, retry=self._retry)
        if blob is None:
            raise NotFoundError("object not found")
        return _info(blob)

    def delete(self, key: str) -> None:
        """Delete the object."""
        with _Translated(missing="object", refused="deletion"):
            self.bucket.blob(key).delete(timeout=TIMEOUT_SECONDS, retry=self._retry)

    def download_url(self, key: str, expires_in: int) -> SignedUrl:
        """A V4 signed GET URL."""
        return self._sign(key, "GET", expires_in, None)

    def upload_url(self, key: str, content_type: str, expires_in: int) -> SignedUrl:
        """A V4 signed PUT URL bound to ``content_type``."""
        return self._sign(key, "PUT", expires_in, content_type)

    def check(self) -> None:
        """List one object: the permission the API needs anyway."""
        self.list("", 1, None)

    def _sign(self, key: str, method: str, expires_in: int, content_type: str | None) -> SignedUrl:
        """Sign a URL for ``method`` on ``key``."""
        expiration = timedelta(seconds=expires_in)
        options: dict[str, Any] = {"version": "v4", "expiration": expiration, "method": method}
        if content_type is not None:
            options["content_type"] = content_type
        if self._signing_endpoint:
            options["api_access_endpoint"] = self._signing_endpoint
        with _Translated(missing="object", refused="signing request"):
            url = self.bucket.blob(key).generate_signed_url(**options, **self._signer())
        return SignedUrl(url, datetime.now(UTC) + expiration)

    def _signer(self) -> dict[str, Any]:
        """Signing arguments: a private key, or the runtime's token for IAM signBlob."""
        if self._signing_credentials is not None:
            return {"credentials": self._signing_credentials}
        credentials = self._runtime_credentials
        if isinstance(credentials, Signing):
            # A service-account key (GOOGLE_APPLICATION_CREDENTIALS) signs locally.
            return {"credentials": credentials}
        # Cloud Functions' default credentials hold no private key; the library then
        # signs through the IAM signBlob API with the service account's access token.
        with self._lock:
            if not credentials.valid:
                credentials.refresh(google.auth.transport.requests.Request())
        email = getattr(credentials, "service_account_email", None)
        return {"service_account_email": email, "access_token": credentials.token}

    @functools.cached_property
    def _runtime_credentials(self) -> Any:
        """The function's service-account credentials, looked up once per instance."""
        try:
            credentials, _ = google.auth.default(
                scopes=["https://www.googleapis.com/auth/cloud-platform"]
            )
        except auth_exceptions.DefaultCredentialsError as exc:
            raise SettingsError(
                "no Google credentials to sign URLs with (set GOOGLE_APPLICATION_CREDENTIALS "
                "to a service-account key when running outside Google Cloud)"
            ) from exc
        return credentials


class _Translated:
    """Context manager that maps google-cloud errors onto the API's exceptions."""

    def __init__(self, *, missing: str, refused: str, field: str = "key") -> None:
        """``missing``: whether a 404 means the object (404) or the bucket (503).

        ``refused`` names the request, and ``field`` the input, that a 400 from GCS is
        about: a GCS BadRequest on an upload is not a bad cursor.
        """
        self.missing = missing
        self.refused = refused
        self.field = field

    def __enter__(self) -> None:
        """Nothing to set up."""

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _: Any) -> None:
        """Re-raise a translated error; return None so unknown errors propagate unchanged."""
        if exc is None:
            return
        if isinstance(exc, api_exceptions.NotFound):
            if self.missing == "object":
                raise NotFoundError("object not found") from exc
            raise BackendUnavailableError("storage") from exc
        if isinstance(exc, api_exceptions.BadRequest):
            message = f"the storage service refused the {self.refused} as invalid"
            raise ValidationError(message, field=self.field) from exc
        if isinstance(exc, _UNAVAILABLE):
            raise BackendUnavailableError("storage") from exc


def _info(blob: storage.Blob) -> ObjectInfo:
    """Metadata of a blob the server has described."""
    return ObjectInfo(
        key=str(blob.name),
        size=int(blob.size or 0),
        content_type=blob.content_type or "application/octet-stream",
        etag=_md5_hex(blob),
        last_modified=blob.updated or datetime.now(UTC),
    )


def _md5_hex(blob: storage.Blob) -> str:
    """The content's MD5 in hex, as S3 reports a single-part object's ETag.

    GCS's own etag is an opaque base64 token; its md5Hash (base64) is the same digest
    S3 gives, so both clouds report one format. Composite objects, which this API
    never creates, have no MD5: their etag is passed on as GCS gives it.
    """
    if blob.md5_hash:
        return base64.b64decode(blob.md5_hash).hex()
    return str(blob.etag or "")
