"""The function archive: uploaded under a name holding its content hash, stable across synths."""

import hashlib
import zipfile
from pathlib import Path

from tooling.synth import ROOT, SynthResult, synth

OBJECT = "gcp:storage/bucketObject:BucketObject"


def test_object_name_is_the_archive_hash(dev: SynthResult) -> None:
    """The uploaded file's own SHA-256 is in the object's name; it lands in the source bucket."""
    obj = dev.one(OBJECT, "crosscloud-dev-api-source")
    archive = ROOT / obj.inputs["source"]["FileAsset"]
    digest = hashlib.sha256(Path(archive).read_bytes()).hexdigest()
    assert obj.inputs["name"] == f"api/{digest}.zip"
    source_bucket = dev.one("gcp:storage/bucket:Bucket", "crosscloud-dev-source")
    assert obj.inputs["bucket"] == source_bucket.state["name"]
    assert obj.inputs["contentType"] == "application/zip"


def test_archive_holds_the_function_entry_module(dev: SynthResult) -> None:
    """Cloud Functions needs main.py and requirements.txt at the archive's root."""
    archive = ROOT / dev.one(OBJECT, "crosscloud-dev-api-source").inputs["source"]["FileAsset"]
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"main.py", "requirements.txt", "crosscloud_api/__init__.py"} <= names


def test_object_name_identical_across_synths(dev: SynthResult) -> None:
    """Rebuilding unchanged sources gives the same hash, hence no redeploy."""
    again = synth("dev")
    assert (
        again.one(OBJECT, "crosscloud-dev-api-source").inputs["name"]
        == dev.one(OBJECT, "crosscloud-dev-api-source").inputs["name"]
    )
    function = "gcp:cloudfunctionsv2/function:Function"
    assert all(
        again.one(function, name).inputs["buildConfig"]
        == dev.one(function, name).inputs["buildConfig"]
        for name in ("crosscloud-dev-api", "crosscloud-dev-report")
    )
