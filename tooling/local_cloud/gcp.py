"""The GCS emulator: the uploads bucket, and the variables that point google-cloud-storage at it."""

import requests

EMULATOR_PROJECT = "crosscloud-local"
TIMEOUT_SECONDS = 10


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
