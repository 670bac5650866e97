"""The reports' exceptions: one base class; the entry points decide what each means to a caller."""


class ReportError(Exception):
    """Base of every error the report raises on purpose."""


class PeriodError(ReportError):
    """The requested period is not an ISO week the report can cover."""


class ReportSettingsError(ReportError):
    """The function's environment is missing or has an invalid setting."""


class ReportNotFoundError(ReportError):
    """No complete report exists for the period."""
