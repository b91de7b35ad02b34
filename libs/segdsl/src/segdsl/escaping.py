"""The one way values reach compiled SQL: ClickHouse literals built here, and nowhere else.

ClickHouse reads a single-quoted string literal byte by byte; a backslash starts an escape:
`\\'` and `\\\\` stand for the quote and the backslash, `\\n`, `\\t`, `\\r`, `\\0` for their control
characters and `\\xHH` for any byte (the same on 18.16 and current releases). `quote_string`
escapes the quote and the backslash, and writes every character that is not printable (controls,
NUL, line and paragraph separators, format characters such as bidi overrides, non-ASCII spaces)
as `\\xHH` escapes of its UTF-8 bytes, so a literal is always one visible line that reads back
byte for byte. Literal `{`/`}` are left as they are: never pass compiled SQL through `str.format`
(e.g. aiochclient's `params=`).
"""

import math
import re
from collections.abc import Iterable

_NAMED_ESCAPES = {"'": "\\'", "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_SAFE_INTEGER = 2**53
_SMALL_INTEGER = 2**31
_UINT64_LIMIT = 2**64


def quote_string(value: str) -> str:
    """A ClickHouse string literal that reads back as exactly `value` (which must be valid Unicode)."""
    parts = ["'"]
    for ch in value:
        if ch in _NAMED_ESCAPES:
            parts.append(_NAMED_ESCAPES[ch])
        elif ch.isprintable():
            parts.append(ch)
        else:
            # Raises UnicodeEncodeError (a ValueError) for a lone surrogate, which has no UTF-8 form.
            parts.append("".join(f"\\x{byte:02X}" for byte in ch.encode("utf-8")))
    parts.append("'")
    return "".join(parts)


def number_literal(value: int | float) -> str:
    """A Float64-comparable literal: whole numbers below 2**53 as integers, others in repr form.

    Both forms are read exactly (nearest double) by 18.16 and current ClickHouse. Subnormal numbers
    are refused: 18.16 rejects them as a syntax error (validation keeps them out of definitions).
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number literal")
    number = float(value)
    if not math.isfinite(number) or (number != 0 and abs(number) < 2.2250738585072014e-308):
        raise ValueError(f"not a finite, normal float64: {value!r}")
    if number.is_integer() and abs(number) < _MAX_SAFE_INTEGER:
        return str(int(number))
    return repr(number)


def number_array_literal(values: Iterable[int | float]) -> str:
    """An Array literal of numbers; in float form unless all are small integers.

    ClickHouse types `[0.5, 12424196030573]` as Float64 and UInt64 and finds no supertype (Float64
    cannot hold every UInt64), so any element beyond ±2**31 or with a fraction makes all floats.
    """
    numbers = [float(value) for value in values]
    if all(number.is_integer() and abs(number) < _SMALL_INTEGER for number in numbers):
        return "[" + ", ".join(number_literal(number) for number in numbers) + "]"
    return "[" + ", ".join(_float_form(number) for number in numbers) + "]"


def string_array_literal(values: Iterable[str]) -> str:
    """An Array(String) literal."""
    return "[" + ", ".join(quote_string(value) for value in values) + "]"


def _float_form(number: float) -> str:
    text = number_literal(number)
    return text if any(mark in text for mark in ".en") else f"{text}.0"


def uint64_literal(value: int) -> str:
    """An unsigned 64-bit integer literal (tenant, segment and version ids)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < _UINT64_LIMIT:
        raise ValueError(f"not a UInt64: {value!r}")
    return str(value)


def quote_identifier(name: str) -> str:
    """A back-quoted database name; only plain identifiers are accepted."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain ClickHouse identifier: {name!r}")
    return f"`{name}`"
