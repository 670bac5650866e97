"""The GCS emulator: the uploads bucket, and the variables that point google-cloud-storage at it."""

import json
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

EMULATOR_PROJECT = "crosscloud-local"
TIMEOUT_SECONDS = 10
SIGNER_EMAIL = f"local-signer@{EMULATOR_PROJECT}.iam.gserviceaccount.com"
KEY_FILE = "local-signer-key.json"


def emulator_env(endpoint: str) -> dict[str, str]:
    """Variables under which the function's default ``storage.Client()`` uses the emulator."""
    return {"STORAGE_EMULATOR_HOST": endpoint, "GOOGLE_CLOUD_PROJECT": EMULATOR_PROJECT}


def create_bucket(endpoint: str, name: str) -> None:
    """Create ``name`` through the JSON API (the emulator needs no credentials)."""
    response = requests.post(
        f"{endpoint}/storage/v1/b",
        params={"project": EMULATOR_PROJECT},
        json={"name": name},
        timeout=TIMEOUT_SECONDS,
    )
    response.raise_for_status()


def service_account_key() -> dict[str, str]:
    """A throwaway service-account key (the JSON key file's fields) with a new RSA key.

    It signs GCS V4 URLs offline, exactly as a downloaded key would; nothing
    ever checks it against IAM (the emulator ignores signatures). ``make local``
    and the function tests both sign with keys made here.
    """
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": EMULATOR_PROJECT,
        "private_key_id": "local",
        "private_key": pem,
        "client_email": SIGNER_EMAIL,
        "client_id": "0",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def write_signing_key(state_dir: Path) -> Path:
    """A throwaway service-account key file for V4 signed links, valid for this run only.

    On Cloud Functions the API signs through IAM signBlob; locally there is no
    IAM, so ``GOOGLE_APPLICATION_CREDENTIALS`` names this key and the API signs
    with it exactly as it would with any key file. The emulator never checks it.
    """
    path = state_dir / KEY_FILE
    path.touch(mode=0o600)
    path.write_text(json.dumps(service_account_key()))
    return path
