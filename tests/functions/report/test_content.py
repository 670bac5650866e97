"""The report's figures from known index rows."""

from datetime import date

from crosscloud_report.content import ChannelTotals, Tally, build_report

from .conftest import KNOWN_CHANNELS, KNOWN_OBJECTS, WEEK


def test_uploads_per_day_cover_every_day_of_the_week() -> None:
    """Seven rows, empty days as zeros; objects outside the week are left out."""
    report = build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS)
    assert dict(report.per_day) == {
        date(2026, 1, 26): Tally(2, 400),
        date(2026, 1, 27): Tally(0, 0),
        date(2026, 1, 28): Tally(1, 5000),
        date(2026, 1, 29): Tally(0, 0),
        date(2026, 1, 30): Tally(0, 0),
        date(2026, 1, 31): Tally(0, 0),
        date(2026, 2, 1): Tally(1, 42),
    }
    assert report.total == Tally(4, 5442)


def test_content_types_are_ranked_by_bytes_and_unknown_types_named() -> None:
    """An object without a content type counts as application/octet-stream."""
    report = build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS)
    assert report.per_content_type == (
        ("application/pdf", Tally(1, 5000)),
        ("image/png", Tally(2, 400)),
        ("application/octet-stream", Tally(1, 42)),
    )


def test_largest_objects_are_the_biggest_of_the_week_first() -> None:
    """Only objects of the week, largest first, at most ``largest``."""
    report = build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS, largest=2)
    assert [(o.key, o.size) for o in report.largest] == [("docs/c.pdf", 5000), ("b.png", 300)]
    assert report.channels == ChannelTotals(3, 1500)


def test_an_empty_week_has_seven_zero_days_and_no_types() -> None:
    """No uploads: zero totals, seven empty days, no content types, no largest objects."""
    report = build_report(WEEK, [], ChannelTotals(0, 0))
    assert report.total == Tally(0, 0)
    assert [t for _, t in report.per_day] == [Tally(0, 0)] * 7
    assert report.per_content_type == ()
    assert report.largest == ()
