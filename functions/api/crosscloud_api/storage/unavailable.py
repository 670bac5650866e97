"""The one way a store reports an unreachable backend: a log line naming the cause, then a 503.

Kept apart from the stores' translations so the line looks the same on S3 and GCS.
Only the cause's class (and an S3 error code) is logged: exception texts carry URLs,
bucket names and sometimes request bodies.
"""

from crosscloud_logging import get_logger

from crosscloud_api.exceptions import BackendUnavailableError

log = get_logger("storage")


def unavailable(
    store: str, cause: BaseException, reason: str | None = None
) -> BackendUnavailableError:
    """Log why ``store`` ("s3" or "gcs") failed; the error to raise ``from cause``.

    ``reason`` is a fixed, client-safe detail such as an S3 error code.
    """
    fields = {"store": store, "cause": _class_name(cause)}
    root = _root_cause(cause)
    if root is not cause:
        fields["root_cause"] = _class_name(root)
    if reason:
        fields["reason"] = reason
    log.warning("storage unavailable", extra={"fields": fields})
    return BackendUnavailableError("storage")


def _root_cause(exc: BaseException) -> BaseException:
    """What a retry wrapper gave up on: google-api-core's RetryError keeps it in ``cause``.

    Looked up by attribute so this module imports no cloud library (the Lambda
    archive carries no google packages).
    """
    last = getattr(exc, "cause", None)
    return last if isinstance(last, BaseException) else exc


def _class_name(exc: BaseException) -> str:
    """``module.Class`` of an exception, e.g. botocore.exceptions.EndpointConnectionError."""
    kind = type(exc)
    return f"{kind.__module__}.{kind.__qualname__}"
