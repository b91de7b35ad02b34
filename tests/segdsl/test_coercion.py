"""Coercion: each field type's accepted inputs, normalised forms and refusals (with the reason)."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segdsl import FIELD_TYPES, CoercionError, FieldType, coerce

ACCEPTED: list[tuple[FieldType, object, object]] = [
    ("string", "  Nike ", "Nike"),
    ("string", "", ""),
    ("string", 42, "42"),
    ("string", 1.5, "1.5"),
    ("string", 3.0, "3"),
    ("text", "  two\nlines ", "  two\nlines "),
    ("number", 42, 42),
    ("number", 4.56, 4.56),
    ("number", 3.0, 3),
    ("number", -0.0, 0),
    ("number", "12.5", 12.5),
    ("number", " 7 ", 7),
    ("number", "-3", -3),
    ("number", "1e3", 1000),
    ("number", ".5", 0.5),
    ("number", "12345678901234567890", 12345678901234567890),
    ("number", 2.0**60, 2.0**60),
    ("number", Decimal("129.99"), 129.99),
    ("price", "€1.299,00", "1299.00"),
    ("price", "$1,299.00", "1299.00"),
    ("price", "1299", "1299.00"),
    ("price", "1,299", "1299.00"),
    ("price", "€1.299", "1299.00"),
    ("price", "0,125", "0.13"),
    ("price", "12,5", "12.50"),
    ("price", "1 299,99 €", "1299.99"),
    ("price", "1\u00a0299,99\u00a0€", "1299.99"),
    ("price", "CHF 1'299.50", "1299.50"),
    ("price", "USD 12.5", "12.50"),
    ("price", "12.5 eur", "12.50"),
    ("price", "US$ 5", "5.00"),
    ("price", "R$ 1.234.567,891", "1234567.89"),
    ("price", "-$5.00", "-5.00"),
    ("price", "$-5.00", "-5.00"),
    ("price", "12.345", "12345.00"),
    ("price", "12.3456", "12.35"),
    ("price", "0.005", "0.01"),
    ("price", 129.99, "129.99"),
    ("price", 150, "150.00"),
    ("price", Decimal("-0.001"), "0.00"),
    ("boolean", True, True),
    ("boolean", "yes", True),
    ("boolean", " No ", False),
    ("boolean", "Y", True),
    ("boolean", "n", False),
    ("boolean", "TRUE", True),
    ("boolean", "0", False),
    ("boolean", 1, True),
    ("date", "2026-05-03", "2026-05-03"),
    ("date", " 2026-05-03 ", "2026-05-03"),
    ("date", "2026-05-03T23:30:00-02:00", "2026-05-04"),
    ("date", "2026-05-03T01:00:00+02:00", "2026-05-02"),
    ("date", "2026-05-03T10:00:00Z", "2026-05-03"),
    ("date", "2026-05-03 10:00", "2026-05-03"),
    ("date", "2026-05-03T10:00:00.123456789+00:00", "2026-05-03"),
    ("date", "20260503", "2026-05-03"),
    ("date", "2026/05/03", "2026-05-03"),
    ("date", "13/05/2026", "2026-05-13"),
    ("date", "05/13/2026", "2026-05-13"),
    ("date", "05.05.2026", "2026-05-05"),
    ("date", "3 May 2026", "2026-05-03"),
    ("date", "03-May-2026", "2026-05-03"),
    ("date", "3rd Sept. 2026", "2026-09-03"),
    ("date", "May 3, 2026", "2026-05-03"),
    ("date", "december 25 2026", "2026-12-25"),
    ("date", "0999-01-01", "0999-01-01"),
    ("date", date(2026, 5, 3), "2026-05-03"),
    ("date", datetime(2026, 5, 3, 23, 0, tzinfo=timezone(timedelta(hours=-2))), "2026-05-04"),
    ("date", datetime(2026, 5, 3, 23, 0), "2026-05-03"),
    ("url", " https://example.com/a?b=c ", "https://example.com/a?b=c"),
    ("url", "HTTP://EXAMPLE.COM", "HTTP://EXAMPLE.COM"),
    ("url", "//cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"),  # protocol-relative
    ("array", ["a", " b ", "", None, 3], ["a", "b", "3"]),
    ("array", "a|b,c", ["a", "b,c"]),
    ("array", "a; b,c", ["a", "b,c"]),
    ("array", "a, b ,,c", ["a", "b", "c"]),
    ("array", "single", ["single"]),
    ("array", "", []),
    ("array", ("x",), ["x"]),
]

REFUSED: list[tuple[FieldType, object, str]] = [
    ("string", None, "no value"),
    ("string", True, "expected text, got a boolean"),
    ("string", ["a"], "expected text, got a list"),
    ("string", "a\x00b", "NUL"),
    ("text", {"a": 1}, "expected text, got an object"),
    ("number", "abc", "not a number"),
    ("number", "1,5", "not a number"),
    ("number", "1_000", "not a number"),
    ("number", "0x10", "not a number"),
    ("number", "NaN", "not a number"),
    ("number", "inf", "not a number"),
    ("number", "1e400", "out of range"),
    ("number", float("nan"), "NaN"),
    ("number", float("inf"), "out of range"),
    ("number", 10**400, "out of range"),
    ("number", "9" * 5000, "too many digits"),
    ("number", True, "boolean"),
    ("number", "", "not a number"),
    ("price", "abc", "not a price"),
    ("price", "1,2,3", "groups of three"),
    ("price", "1.299.00", "groups of three"),
    ("price", "1,,2", "two separators"),
    ("price", "€ 5 USD", "currency given twice"),
    ("price", "12 apples", "not a currency"),
    ("price", "--5", "two signs"),
    ("price", "1e20", "not a price"),
    ("price", 10**15, "too large"),
    ("price", float("inf"), "finite"),
    ("price", False, "boolean"),
    ("boolean", "maybe", "expected true/false"),
    ("boolean", 2, "expected true/false"),
    ("boolean", 1.0, "expected true/false"),
    ("date", "03/05/2026", "ambiguous"),
    ("date", "13/13/2026", "no such day"),
    ("date", "00/13/2026", "neither part"),
    ("date", "2026-02-30", "no such day"),
    ("date", "3 Mai 2026", "unknown month"),
    ("date", "03/05/26", "not a recognised date"),
    ("date", 1714730400, "expected a date, got a number"),
    ("date", "9999-12-31T23:00:00-05:00", "outside years"),
    ("url", "example.com", "http"),
    ("url", "ftp://example.com", "http"),
    ("url", "https://", "no host"),
    ("url", "https://exa mple.com", "whitespace"),
    ("url", "http://[::1", "malformed"),
    ("array", 5, "expected a list"),
    ("array", [["nested"]], "item 0 is a list"),
    ("array", [True], "item 0 is a boolean"),
    ("array", ["ok", "a\x00"], "item 1: contains a NUL"),
]


@pytest.mark.parametrize(("field_type", "raw", "expected"), ACCEPTED)
def test_accepted_values_normalise(field_type: FieldType, raw: object, expected: object) -> None:
    result = coerce(field_type, raw)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(("field_type", "raw", "reason"), REFUSED)
def test_refused_values_say_the_value_and_why(field_type: FieldType, raw: object, reason: str) -> None:
    with pytest.raises(CoercionError) as caught:
        coerce(field_type, raw)
    error = caught.value
    assert reason in error.reason
    assert error.value is raw and error.field_type == field_type
    assert str(error).startswith(repr(raw)[:20]) and f"is not a valid {field_type}" in str(error)


def test_long_values_are_shortened_in_the_message() -> None:
    with pytest.raises(CoercionError) as caught:
        coerce("number", "x" * 500)
    assert len(str(caught.value)) < 200


raw_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.lists(st.one_of(st.text(max_size=5), st.integers()), max_size=4),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
    st.sampled_from(["€1.299,00", "yes", "2026-05-03", "a|b", "https://x.io", "13/05/2026", "1,299.50"]),
)


@given(field_type=st.sampled_from(FIELD_TYPES), raw=raw_values)
def test_coercion_is_idempotent_or_refuses_with_coercion_error(field_type: FieldType, raw: object) -> None:
    try:
        once = coerce(field_type, raw)
    except CoercionError:
        return
    assert coerce(field_type, once) == once


@given(cents=st.integers(min_value=-(10**17) + 1, max_value=10**17 - 1))
def test_normal_prices_take_the_shortcut_to_the_parsers_answer(cents: int) -> None:
    normal = f"{Decimal(cents) / 100:.2f}"
    padded = f" {normal} "  # surrounding spaces make the parser do the work
    assert coerce("price", normal) == coerce("price", padded) == normal


@given(day=st.dates() | st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
def test_iso_dates_take_the_shortcut_to_the_parsers_answer(day: date | str) -> None:
    text = day.isoformat() if isinstance(day, date) else day
    try:
        expected: object = coerce("date", f" {text} ")
    except CoercionError as error:
        expected = type(error)
    try:
        assert coerce("date", text) == expected
    except CoercionError as error:
        assert type(error) is expected


def test_negative_zero_is_not_a_normal_price() -> None:
    assert coerce("price", "-0.00") == "0.00"
