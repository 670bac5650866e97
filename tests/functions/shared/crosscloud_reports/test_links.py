"""Link expiry rules: never longer than the signing credentials allow."""

import pytest
from crosscloud_reports.exceptions import ReportSettingsError
from crosscloud_reports.links import AWS_ROLE_LINK_SECONDS, GCS_V4_MAX_SECONDS, link_seconds


def test_aws_links_are_capped_at_the_role_session() -> None:
    """Role credentials: one hour by default, and longer requests are shortened to it."""
    assert AWS_ROLE_LINK_SECONDS == 3600
    assert link_seconds("s3") == 3600
    assert link_seconds("s3", 7 * 24 * 3600) == 3600
    assert link_seconds("s3", 900) == 900


def test_gcs_links_last_at_most_seven_days() -> None:
    """V4 signed URLs: 604800 seconds at most, the default too."""
    assert GCS_V4_MAX_SECONDS == 604_800
    assert link_seconds("gs") == 604_800
    assert link_seconds("gs", 30 * 24 * 3600) == 604_800
    assert link_seconds("gs", 3600) == 3600


@pytest.mark.parametrize(("scheme", "requested"), [("s3", 0), ("gs", -5), ("ftp", None)])
def test_nonsense_is_refused(scheme: str, requested: int | None) -> None:
    """A zero or negative expiry, or an unknown store, is a settings error."""
    with pytest.raises(ReportSettingsError):
        link_seconds(scheme, requested)
