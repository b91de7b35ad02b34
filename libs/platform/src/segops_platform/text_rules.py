"""Rules for text a client sends, as the server applies them and the documents state them.

NUL (U+0000) is text Postgres cannot store, in text columns and in jsonb alike: refused anywhere.
JSON writes NUL as the escape `\\u0000`, so a body that does not hold that escape holds no NUL and
is not walked. Lone surrogates (the other text Postgres refuses) never get this far: the JSON parser
refuses them and query strings decode them as U+FFFD. The patterns say the same in the API documents.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

NO_NUL_PATTERN = r"^[^\x00]*$"
NUL_ESCAPE = b"\\u0000"
NUL_MESSAGE = "contains a NUL character (U+0000), which cannot be stored"


def _storable(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul", NUL_MESSAGE)
    return value


Text = Annotated[str, AfterValidator(_storable), Field(json_schema_extra={"pattern": NO_NUL_PATTERN})]

# `data`-like objects: free-form JSON, validated as a plain dict (a typed recursive JSON value costs
# ~3x the validation time of a 10,000-item bulk body, measured); their NULs are found by `nul_problems`.
JsonObject = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "description": "Free-form JSON. No key or string anywhere in it may contain NUL (U+0000).",
            "propertyNames": {"pattern": NO_NUL_PATTERN},
            "additionalProperties": True,
        }
    ),
]


def nul_problems(value: Any, path: str = "") -> list[dict[str, str]]:
    """Each place in a parsed JSON value where a key or a string holds NUL, in document order."""
    problems: list[dict[str, str]] = []
    stack: list[tuple[str, Any, str]] = [("", value, path)]  # (key, value, path), last one first
    while stack:
        key, item, at = stack.pop()
        if "\x00" in key:
            problems.append({"path": at, "message": f"the key {NUL_MESSAGE}"})
        if isinstance(item, str):
            if "\x00" in item:
                problems.append({"path": at or "$", "message": NUL_MESSAGE})
        elif isinstance(item, dict):
            children = [(k, child, f"{at}.{k}" if at else k) for k, child in item.items()]
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([("", child, f"{at}[{index}]") for index, child in enumerate(item)]))
    return problems


# One line: identifiers and names (SKUs, product and segment names), stored as given, never trimmed:
# no control characters, no space at either end.
LINE_PATTERN = r"^[^\x00-\x20\x7f](?:[^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def line_problem(value: Any, max_length: int) -> str | None:
    """What keeps `value` from being one line of at most `max_length` characters, if anything."""
    if not isinstance(value, str):
        return "must be a string"
    # The usual case, in C: printable text (no control characters) without a space at either end.
    if 0 < len(value) <= max_length and value.isprintable() and value[0] != " " != value[-1]:
        return None
    if not value:
        return "must not be empty"
    if len(value) > max_length:
        return f"must be at most {max_length} characters (is {len(value)})"
    if _CONTROL.search(value):
        return "must not contain control characters (U+0000 to U+001F, U+007F)"
    if value[0] == " " or value[-1] == " ":
        return "must not begin or end with a space (values are stored as given)"
    return None


def as_line(max_length: int) -> AfterValidator:
    """The line rule as a validator, with `line_problem`'s words as the message."""

    def check(value: str) -> str:
        if (problem := line_problem(value, max_length)) is not None:
            raise PydanticCustomError("line", problem)
        return value

    return AfterValidator(check)


def documented_line(max_length: int, description: str) -> Any:
    """The line rule as the documents state it."""
    return Field(
        description=description,
        json_schema_extra={"minLength": 1, "maxLength": max_length, "pattern": LINE_PATTERN},
    )
