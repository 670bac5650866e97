"""The reports routes on both stores: listing, links that download the bytes, errors."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import requests
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.exceptions import SettingsError
from crosscloud_api.settings import UrlDatabase
from crosscloud_api.storage import ObjectStore
from crosscloud_reports.period import Period
from crosscloud_reports.store import ReportStore
from flask.testing import FlaskClient

NOW = datetime(2026, 2, 2, 6, tzinfo=UTC)
WEEK = Period(2026, 5)
SCHEMES = {"s3": "s3", "gcs": "gs"}


@dataclass(frozen=True)
class File:
    """A rendered report file, as the report function hands it to the store."""

    name: str
    content_type: str
    data: bytes


CSV = File("uploads-2026-W05.csv", "text/csv", b"day,count\n2026-01-26,2\n")
XLSX = File("uploads-2026-W05.xlsx", "application/octet-stream", bytes(range(256)) * 8)


@dataclass(frozen=True)
class Cloud:
    """One cloud's reports bucket and the API serving it."""

    scheme: str
    objects: ObjectStore
    reports: ReportStore
    client: FlaskClient


@pytest.fixture(params=["s3", "gcs"])
def cloud(request: pytest.FixtureRequest, channels: ChannelRepository, database_url: str) -> Cloud:
    """The API on each cloud's store, with a reports bucket of its own."""
    objects: ObjectStore = request.getfixturevalue(f"{request.param}_store")
    scheme = SCHEMES[request.param]
    settings = Settings(
        storage_url=f"{scheme}://unused-files",
        database=UrlDatabase(database_url),
        reports_url=f"{scheme}://unused-reports",
    )
    reports = ReportStore(objects)
    app = create_app(settings, Services(store=objects, channels=channels, reports=reports))
    return Cloud(scheme, objects, reports, app.test_client())


def test_no_reports_is_an_empty_list(cloud: Cloud) -> None:
    """A reports bucket with nothing in it lists no reports."""
    response = cloud.client.get("/reports")
    assert response.status_code == 200
    assert response.json == {"items": []}


def test_reports_are_listed_newest_first_with_their_file_names(cloud: Cloud) -> None:
    """Each period with a manifest, newest first; a half-written period is not a report."""
    cloud.reports.write(Period(2026, 4), [CSV], {}, NOW)
    cloud.reports.write(WEEK, [CSV, XLSX], {}, NOW)
    cloud.objects.put("reports/2026/W06/uploads-2026-W06.csv", b"partial", "text/csv")
    response = cloud.client.get("/reports")
    assert response.status_code == 200
    assert response.json is not None
    items = response.json["items"]
    assert [(i["period"], i["files"]) for i in items] == [
        ("2026-W05", ["uploads-2026-W05.csv", "uploads-2026-W05.xlsx"]),
        ("2026-W04", ["uploads-2026-W05.csv"]),
    ]
    assert all(i["written_at"].endswith("Z") for i in items)


def test_fresh_links_download_the_report_files(cloud: Cloud) -> None:
    """One link per file (no manifest), each serving the stored bytes."""
    cloud.reports.write(WEEK, [CSV, XLSX], {}, NOW)
    response = cloud.client.post("/reports/2026-W05/link", json={"expires_in": 600})
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert body["period"] == "2026-W05"
    assert body["expires_in"] == 600
    assert [link["file"] for link in body["links"]] == [CSV.name, XLSX.name]
    for link, file in zip(body["links"], [CSV, XLSX], strict=True):
        downloaded = requests.get(link["url"], timeout=10)
        assert downloaded.status_code == 200
        assert downloaded.content == file.data


def test_link_lifetimes_are_capped_at_what_the_cloud_honours(cloud: Cloud) -> None:
    """A day is granted on GCS (V4, up to 7 days) but shortened to the role's hour on AWS."""
    cloud.reports.write(WEEK, [CSV], {}, NOW)
    asked = cloud.client.post("/reports/2026-W05/link", json={"expires_in": 86400}).json
    default = cloud.client.post("/reports/2026-W05/link").json
    assert asked is not None
    assert default is not None
    assert asked["expires_in"] == (3600 if cloud.scheme == "s3" else 86400)
    assert default["expires_in"] == 3600


def test_a_period_without_a_report_is_404(cloud: Cloud) -> None:
    """No manifest, no report: a stray file under the period's prefix does not count."""
    cloud.objects.put("reports/2026/W05/uploads-2026-W05.csv", b"partial", "text/csv")
    response = cloud.client.post("/reports/2026-W05/link")
    assert response.status_code == 404
    assert response.json == {"error": "not_found", "message": "there is no report for 2026-W05"}


@pytest.mark.parametrize(
    "period",
    ["2026-05", "2026W05", "2026-W5", "2026-W00", "2026-W54", "26-W05", "2026-w05", "2026-W05x"],
)
def test_a_malformed_period_is_400(cloud: Cloud, period: str) -> None:
    """Anything the contract's pattern refuses: 400 naming period."""
    response = cloud.client.post(f"/reports/{period}/link")
    assert response.status_code == 400
    assert response.json is not None
    assert (response.json["error"], response.json["field"]) == ("validation_error", "period")


@pytest.mark.parametrize("period", ["2025-W53", "0000-W01"])
def test_a_well_formed_week_the_calendar_lacks_is_404(cloud: Cloud, period: str) -> None:
    """2025 has 52 ISO weeks and there is no year 0: the name is valid, no report can exist."""
    response = cloud.client.post(f"/reports/{period}/link")
    assert response.status_code == 404
    assert response.json == {"error": "not_found", "message": f"there is no report for {period}"}


def test_a_bad_link_body_is_400(cloud: Cloud) -> None:
    """The body follows the contract: expires_in an integer of 1 s to 7 days, nothing else."""
    cloud.reports.write(WEEK, [CSV], {}, NOW)
    for body in ({"expires_in": 0}, {"expires_in": "60"}, {"other": 1}):
        response = cloud.client.post("/reports/2026-W05/link", json=body)
        assert response.status_code == 400, body


def test_a_deployment_without_reports_answers_404(client: FlaskClient) -> None:
    """Without REPORTS_URL both routes say there are no reports here, not a server error."""
    for response in (client.get("/reports"), client.post("/reports/2026-W05/link")):
        assert response.status_code == 404
        assert response.json == {
            "error": "not_found",
            "message": "this deployment keeps no reports",
        }


def test_reports_url_must_be_on_the_storage_cloud(database_url: str) -> None:
    """REPORTS_URL is read from the environment and checked like STORAGE_URL."""
    base = {"STORAGE_URL": "s3://files", "DATABASE_URL": database_url}
    assert Settings.from_env({**base, "REPORTS_URL": "s3://reports"}).reports_url == "s3://reports"
    assert Settings.from_env(base).reports_url is None
    for bad in ("gs://reports", "s3://", "reports"):
        with pytest.raises(SettingsError, match="REPORTS_URL"):
            Settings.from_env({**base, "REPORTS_URL": bad})
