"""How long a report's download links may live, on each cloud, so that they really do.

AWS: a presigned S3 URL is only as good as the credentials that signed it. A
Lambda function signs with its execution role's temporary credentials, whose
remaining lifetime the function cannot see (they arrive as environment
variables without an expiry) and which AWS documents as not necessarily
following the role's session duration. A role session lasts one hour by
default (the role's ``max_session_duration``, which the stack leaves at 3600 s),
so links are capped at one hour, and a newer link is always one call away
(``fresh_links``, which the API's ``POST /reports/{period}/link`` calls).
A link asked for longer is shortened, never promised longer than it can work.

GCP: a V4 signed URL allows at most 7 days. The function signs through the
IAM signBlob API with its own service account (Google-managed keys, no key
file), whose signatures stay valid for the whole 7 days.
"""

from crosscloud_reports.exceptions import ReportSettingsError

AWS_ROLE_LINK_SECONDS = 3600
GCS_V4_MAX_SECONDS = 7 * 24 * 3600
MAX_LINK_SECONDS = {"s3": AWS_ROLE_LINK_SECONDS, "gs": GCS_V4_MAX_SECONDS}


def link_seconds(scheme: str, requested: int | None = None) -> int:
    """The expiry to sign with on ``scheme`` (s3/gs): ``requested``, capped at what holds."""
    if scheme not in MAX_LINK_SECONDS:
        raise ReportSettingsError(f"no link rule for storage scheme {scheme!r}")
    ceiling = MAX_LINK_SECONDS[scheme]
    if requested is None:
        return ceiling
    if requested < 1:
        raise ReportSettingsError(f"a link must live at least 1 second, got {requested}")
    return min(requested, ceiling)
