"""The API's exceptions: one base class; only the Flask error handlers choose HTTP statuses."""


class ApiError(Exception):
    """Base of every error the API raises on purpose; ``code`` is the stable error code."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        """Keep a client-safe message and, for validation errors, the failing field."""
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ApiError):
    """A request value is missing or invalid."""

    code = "validation_error"


class InvalidJsonError(ValidationError):
    """The request body is not well-formed JSON (as opposed to JSON of the wrong shape)."""

    code = "invalid_json"


class InvalidCursorError(ValidationError):
    """A cursor the API did not issue, was altered, or belongs to another listing."""

    code = "invalid_cursor"


class NotFoundError(ApiError):
    """The addressed channel or object does not exist."""

    code = "not_found"


class ConflictError(ApiError):
    """The resource already exists."""

    code = "conflict"


class PayloadTooLargeError(ApiError):
    """The upload is larger than an inline request may carry."""

    code = "payload_too_large"


class UnsupportedMediaTypeError(ApiError):
    """The request body or the uploaded file has a media type the API does not accept."""

    code = "unsupported_media_type"


class BackendUnavailableError(ApiError):
    """A backend (database, object store, secret store) could not be reached."""

    code = "backend_unavailable"

    def __init__(self, backend: str) -> None:
        """Name the backend only; the underlying error may carry hosts or credentials."""
        super().__init__(f"the {backend} is unavailable, retry later")
        self.backend = backend


class SettingsError(ApiError):
    """The function's environment is missing or has an invalid setting."""

    code = "misconfigured"
