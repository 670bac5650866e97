"""The object store on Amazon S3 (boto3; the client is created on first use and reused)."""

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from crosscloud_api.exceptions import BackendUnavailableError, NotFoundError, ValidationError
from crosscloud_api.storage.model import ObjectInfo, ObjectPage, SignedUrl

# Short timeouts and few retries: an API call should fail fast with a 503 rather
# than hold the function until the platform's timeout.
CLIENT_CONFIG = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"max_attempts": 2, "mode": "standard"},
    signature_version="s3v4",
)
_MISSING = ("404", "NoSuchKey", "NotFound")
_UNAVAILABLE = ("NoSuchBucket", "AccessDenied", "SlowDown", "ServiceUnavailable", "InternalError")

# boto3 ships no type information; the client is typed as Any on purpose.
S3Client = Any


class S3Store:
    """ObjectStore over one S3 bucket."""

    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        """Use ``client`` when given (tests, moto); otherwise create one lazily."""
        self.bucket = bucket
        self._client = client

    @functools.cached_property
    def client(self) -> S3Client:
        """The injected client or a default one, created on first use and then reused."""
        return self._client or boto3.client("s3", config=CLIENT_CONFIG)

    def list(self, prefix: str, limit: int, cursor: str | None) -> ObjectPage:
        """One page of ListObjectsV2; ``cursor`` is S3's continuation token (the API checked it)."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": limit}
        if cursor:
            params["ContinuationToken"] = cursor
        try:
            page = self.client.list_objects_v2(**params)
        except ClientError as exc:
            if _code(exc) == "InvalidArgument":
                # The only argument S3 can refuse here that the API did not check itself.
                what, field = ("continuation token", "cursor") if cursor else ("listing", "prefix")
                message = f"the storage service refused the {what} as invalid"
                raise ValidationError(message, field=field) from exc
            raise _translate(exc) from exc
        except BotoCoreError as exc:
            raise BackendUnavailableError("storage") from exc
        # ListObjectsV2 does not return content types; a HEAD per key would make a
        # page of 1000 cost 1001 requests, so listings leave it out on S3.
        items = [
            ObjectInfo(
                key=entry["Key"],
                size=int(entry["Size"]),
                content_type=None,
                etag=entry["ETag"].strip('"'),
                last_modified=entry["LastModified"],
            )
            for entry in page.get("Contents", [])
        ]
        return ObjectPage(items, page.get("NextContinuationToken") if page["IsTruncated"] else None)

    def put(self, key: str, data: bytes, content_type: str) -> ObjectInfo:
        """PutObject, then report what S3 stored."""
        self._call("put_object", Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return self.head(key)

    def head(self, key: str) -> ObjectInfo:
        """HeadObject."""
        meta = self._call("head_object", Bucket=self.bucket, Key=key)
        return ObjectInfo(
            key=key,
            size=int(meta["ContentLength"]),
            content_type=meta.get("ContentType", "application/octet-stream"),
            etag=meta["ETag"].strip('"'),
            last_modified=meta["LastModified"],
        )

    def delete(self, key: str) -> None:
        """DeleteObject; S3 deletes silently, so a HeadObject first gives the 404."""
        self.head(key)
        self._call("delete_object", Bucket=self.bucket, Key=key)

    def download_url(self, key: str, expires_in: int) -> SignedUrl:
        """A presigned GetObject URL."""
        params = {"Bucket": self.bucket, "Key": key}
        url = self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
        return SignedUrl(url, datetime.now(UTC) + timedelta(seconds=expires_in))

    def upload_url(self, key: str, content_type: str, expires_in: int) -> SignedUrl:
        """A presigned PutObject URL bound to ``content_type``."""
        params = {"Bucket": self.bucket, "Key": key, "ContentType": content_type}
        url = self.client.generate_presigned_url("put_object", Params=params, ExpiresIn=expires_in)
        return SignedUrl(url, datetime.now(UTC) + timedelta(seconds=expires_in))

    def check(self) -> None:
        """List one key: the permission the API needs anyway, and cheaper than HeadBucket's."""
        self._call("list_objects_v2", Bucket=self.bucket, MaxKeys=1)

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call one S3 operation, translating its errors into the API's."""
        try:
            return getattr(self.client, operation)(**params)
        except ClientError as exc:
            raise _translate(exc) from exc
        except BotoCoreError as exc:
            raise BackendUnavailableError("storage") from exc


def _code(exc: ClientError) -> str:
    """The S3 error code of a ClientError."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def _translate(exc: ClientError) -> Exception:
    """Map a ClientError to NotFoundError, BackendUnavailableError, or leave it as is."""
    code = _code(exc)
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    if code in _MISSING:
        return NotFoundError("object not found")
    if code in _UNAVAILABLE or status >= 500:
        return BackendUnavailableError("storage")
    return exc
