"""The throwaway signing key that make local and the function tests share."""

import json
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from google.oauth2 import service_account

from tooling.local_cloud.gcp import SIGNER_EMAIL, service_account_key, write_signing_key


def test_the_key_signs_as_the_local_signer() -> None:
    """The key loads as service-account credentials whose signature its public key verifies."""
    key = service_account_key()
    credentials = service_account.Credentials.from_service_account_info(key)
    assert credentials.service_account_email == SIGNER_EMAIL
    signature = credentials.sign_bytes(b"payload")
    private_key = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    # Raises InvalidSignature unless the credentials signed with this very key.
    private_key.public_key().verify(signature, b"payload", padding.PKCS1v15(), hashes.SHA256())


def test_every_key_is_new() -> None:
    """Two keys never share a private key (each run gets its own)."""
    assert service_account_key()["private_key"] != service_account_key()["private_key"]


def test_the_key_file_is_private(tmp_path: Path) -> None:
    """The key file for GOOGLE_APPLICATION_CREDENTIALS is readable by its owner only."""
    path = write_signing_key(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["client_email"] == SIGNER_EMAIL
