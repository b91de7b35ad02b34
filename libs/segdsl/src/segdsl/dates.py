"""Calendar days: parsing (strict ISO 8601 and the common unambiguous formats) and day arithmetic.

Dates are compared as calendar days in UTC: a datetime with an offset is taken at its UTC date, a
naive one is taken as UTC.
"""

import re
from datetime import UTC, date, datetime, timedelta

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_BASIC_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?", re.IGNORECASE
)
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_YEAR_LAST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4})", re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", re.IGNORECASE)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


class DateParseError(ValueError):
    """A text that is not a date; the message says why."""


def utc_date(moment: datetime) -> date:
    """The UTC calendar day of a datetime (a naive datetime is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def parse_iso_date(text: str) -> date:
    """An ISO 8601 date, or the UTC date of an ISO 8601 datetime."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if _ISO_DATETIME.fullmatch(text):
        try:
            return utc_date(datetime.fromisoformat(text.replace(",", ".")))
        except ValueError as error:
            raise DateParseError(f"not a valid date and time ({error})") from None
        except OverflowError:
            raise DateParseError("its UTC date is outside years 1-9999") from None
    raise DateParseError("not an ISO 8601 date (expected YYYY-MM-DD or an ISO 8601 date and time)")


def parse_date(text: str) -> date:
    """ISO 8601 or a common unambiguous format; a day/month order that could go both ways is an error."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text) or _ISO_DATETIME.fullmatch(text):
        return parse_iso_date(text)
    if match := _ISO_BASIC_DATE.fullmatch(text) or _YEAR_FIRST.fullmatch(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _YEAR_LAST.fullmatch(text):
        return _day_month_or_month_day(int(match[1]), int(match[3]), int(match[4]))
    if match := _DAY_MONTH_NAME.fullmatch(text):
        return _make_date(int(match[3]), _month(match[2]), int(match[1]))
    if match := _MONTH_NAME_DAY.fullmatch(text):
        return _make_date(int(match[3]), _month(match[1]), int(match[2]))
    raise DateParseError(
        "not a recognised date (use YYYY-MM-DD; also understood: ISO 8601 date-times, YYYY/MM/DD, "
        "DD/MM/YYYY or MM/DD/YYYY when unambiguous, '3 May 2026', 'May 3, 2026')"
    )


def _day_month_or_month_day(first: int, second: int, year: int) -> date:
    if first == second or (0 < first <= 12 < second):
        return _make_date(year, first, second)  # month first, or both readings agree
    if first > 12 >= second:
        return _make_date(year, second, first)
    if first <= 12 and second <= 12:
        raise DateParseError(
            f"ambiguous: {first:02d}/{second:02d}/{year} could be day/month or month/day; use YYYY-MM-DD"
        )
    raise DateParseError("not a valid date: neither part can be a month")


def _month(name: str) -> int:
    month = _MONTHS.get(name.lower())
    if month is None:
        raise DateParseError(f"unknown month name {name!r}")
    return month


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise DateParseError(f"no such day ({error})") from None


def window_start(today: date, days: int) -> date:
    """`today - days`, or the first representable day when that is earlier."""
    try:
        return today - timedelta(days=days)
    except OverflowError:
        return date.min


def day_number(day: date) -> int:
    """A day as the YYYYMMDD number the replica stores (ordered like the days themselves)."""
    return day.year * 10000 + day.month * 100 + day.day
