"""The GCS store's V4 signed URLs and Secret Manager reads, against the emulator and fakes."""

from types import SimpleNamespace
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from crosscloud_api.exceptions import (
    BackendUnavailableError,
    NotFoundError,
    SettingsError,
    ValidationError,
)
from crosscloud_api.secrets import gcp_secret
from crosscloud_api.storage.gcs import GcsStore
from google.api_core import exceptions as api_exceptions


def test_signed_download_url_is_v4_for_the_service_account(
    gcs_store: GcsStore, signing_credentials: Any
) -> None:
    """The URL carries the V4 algorithm, the signer, the lifetime and a 2048-bit signature."""
    gcs_store.put("signed/a.txt", b"hello", "text/plain")
    signed = gcs_store.download_url("signed/a.txt", 900)
    query = parse_qs(urlsplit(signed.url).query)
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"]
    assert query["X-Goog-Credential"][0].startswith(f"{signing_credentials.service_account_email}/")
    assert query["X-Goog-Expires"] == ["900"]
    assert len(query["X-Goog-Signature"][0]) == 512
    assert urlsplit(signed.url).path.endswith("/signed/a.txt")
    assert requests.get(signed.url, timeout=10).content == b"hello"


def test_missing_object_and_missing_bucket(gcs_store: GcsStore, gcs_client: Any) -> None:
    """A missing object is NotFoundError; a missing bucket is an unavailable backend."""
    with pytest.raises(NotFoundError):
        gcs_store.head("absent.txt")
    with pytest.raises(NotFoundError):
        gcs_store.delete("absent.txt")
    with pytest.raises(BackendUnavailableError):
        GcsStore("no-such-bucket-anywhere", client=gcs_client).check()


def test_unreachable_gcs_is_backend_unavailable(gcs_client: Any) -> None:
    """A refused connection maps to BackendUnavailableError."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    client = storage.Client(
        project="p",
        credentials=AnonymousCredentials(),  # type: ignore[arg-type]  # no auth offline
        client_options={"api_endpoint": "http://127.0.0.1:1"},
    )
    with pytest.raises(BackendUnavailableError):
        GcsStore("b", client=client, retry_seconds=0.5).check()


def test_secret_manager_read_and_failure() -> None:
    """A secret version's payload is decoded; API errors name only the backend."""

    class FakeSecretManager:
        """The one method of SecretManagerServiceClient the code uses."""

        def __init__(self, fail: bool) -> None:
            """Answer or fail."""
            self.fail = fail

        def access_secret_version(self, name: str, timeout: float) -> Any:
            """Return a payload shaped like the real response."""
            if self.fail:
                raise api_exceptions.PermissionDenied("denied")
            return SimpleNamespace(payload=SimpleNamespace(data=f"pw-of-{name}".encode()))

    name = "projects/p/secrets/db/versions/1"
    assert gcp_secret(FakeSecretManager(fail=False), name) == f"pw-of-{name}"
    with pytest.raises(BackendUnavailableError, match="credentials store"):
        gcp_secret(FakeSecretManager(fail=True), name)


def test_runtime_key_credentials_sign_locally(
    gcs_client: Any, gcs_endpoint: str, signing_credentials: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without injected signer, a key from GOOGLE_APPLICATION_CREDENTIALS signs the URL."""
    import google.auth

    monkeypatch.setattr(google.auth, "default", lambda scopes: (signing_credentials, "p"))
    store = GcsStore("bucket", client=gcs_client, signing_endpoint=gcs_endpoint)
    query = parse_qs(urlsplit(store.download_url("k.txt", 60).url).query)
    assert query["X-Goog-Credential"][0].startswith(signing_credentials.service_account_email)
    assert urlsplit(store.download_url("k.txt", 60).url).netloc == urlsplit(gcs_endpoint).netloc


def test_no_credentials_is_a_configuration_error(
    gcs_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside Google Cloud without a key, signing fails with a message saying what to set."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    def no_credentials(scopes: list[str]) -> Any:
        """What google.auth.default does with no credentials anywhere."""
        raise DefaultCredentialsError("none")

    monkeypatch.setattr(google.auth, "default", no_credentials)
    with pytest.raises(SettingsError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        GcsStore("bucket", client=gcs_client).download_url("k.txt", 60)


@pytest.mark.parametrize(
    ("call", "field", "what"),
    [
        (lambda store: store.list("p/", 5, "token"), "cursor", "page token"),
        (lambda store: store.list("p/", 5, None), "prefix", "listing"),
        (lambda store: store.put("k.txt", b"x", "text/plain"), "key", "upload"),
        (lambda store: store.head("k.txt"), "key", "metadata request"),
        (lambda store: store.delete("k.txt"), "key", "deletion"),
    ],
)
def test_a_gcs_bad_request_names_what_failed(call: Any, field: str, what: str) -> None:
    """A 400 from GCS says which request it refused; only a listing's names the cursor."""
    client = mock.Mock()
    refused = api_exceptions.BadRequest("refused")
    client.list_blobs.side_effect = refused
    blob = client.bucket.return_value.blob.return_value
    blob.upload_from_string.side_effect = refused
    blob.delete.side_effect = refused
    client.bucket.return_value.get_blob.side_effect = refused
    with pytest.raises(ValidationError) as raised:
        call(GcsStore("bucket", client=client))
    assert raised.value.field == field
    assert raised.value.message == f"the storage service refused the {what} as invalid"
