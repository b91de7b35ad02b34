"""The escaper, and the property that compiled SQL holds user text only inside escaped literals."""

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segdsl import compile_membership_insert, compile_preview, quote_string, validate_definition
from segdsl.escaping import number_array_literal, number_literal, quote_identifier, uint64_literal
from tests.segdsl.strategies import Scenario, scenarios

_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\x00", "b": "\b", "f": "\f", "a": "\a", "v": "\v"}


def read_literal(sql: str, start: int) -> tuple[str, int]:
    """Decode the string literal at sql[start] the way ClickHouse's lexer does; (text, index after it)."""
    assert sql[start] == "'"
    out = bytearray()
    index = start + 1
    while True:
        ch = sql[index]
        if ch == "'":
            return out.decode("utf-8"), index + 1
        if ch == "\\":
            escaped = sql[index + 1]
            if escaped == "x":
                out.append(int(sql[index + 2 : index + 4], 16))
                index += 4
                continue
            out += _SIMPLE_ESCAPES.get(escaped, escaped).encode("utf-8")
            index += 2
            continue
        out += ch.encode("utf-8")
        index += 1


def split_sql(sql: str) -> tuple[str, list[str]]:
    """(the SQL with each literal replaced by '?', the decoded literals)."""
    code, literals, index = [], [], 0
    while (start := sql.find("'", index)) != -1:
        code.append(sql[index:start])
        text, index = read_literal(sql, start)
        literals.append(text)
        code.append("?")
    code.append(sql[index:])
    return "".join(code), literals


QUOTED = [
    ("plain", "'plain'"),
    ("", "''"),
    ("it's", "'it\\'s'"),
    ("a\\b", "'a\\\\b'"),
    ("\\'", "'\\\\\\''"),
    ("line\nbreak\r\ttab", "'line\\nbreak\\r\\ttab'"),
    ("nul\x00", "'nul\\0'"),
    ("\x00" + "1", "'\\01'"),
    ("bell\x07\x7f", "'bell\\x07\\x7F'"),
    ("{x} {{}}", "'{x} {{}}'"),
    ("é日本😀", "'é日本😀'"),
    ("\u202eevil\u2028\u00a0\ufeff", "'\\xE2\\x80\\xAEevil\\xE2\\x80\\xA8\\xC2\\xA0\\xEF\\xBB\\xBF'"),
    ("' OR 1=1 --", "'\\' OR 1=1 --'"),
]


@pytest.mark.parametrize(("text", "literal"), QUOTED)
def test_quote_string(text: str, literal: str) -> None:
    assert quote_string(text) == literal
    assert split_sql(literal) == ("?", [text])


def test_a_lone_surrogate_cannot_be_quoted() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        quote_string("\ud800")


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_literals_read_back_exactly_and_stay_on_one_visible_line(text: str) -> None:
    literal = quote_string(text)
    assert split_sql(literal) == ("?", [text])
    assert literal[1:-1].isprintable()


@pytest.mark.parametrize(
    ("number", "literal"),
    [
        (150, "150"),
        (150.0, "150"),
        (-0.0, "0"),
        (4.56, "4.56"),
        (-7.5, "-7.5"),
        (2**53, "9007199254740992.0"),
        (1e20, "1e+20"),
        (10**30, "1e+30"),
        (1e-300, "1e-300"),
    ],
)
def test_number_literal(number: float, literal: str) -> None:
    assert number_literal(number) == literal


@pytest.mark.parametrize("number", [float("nan"), float("inf"), 5e-324, True])
def test_number_literal_refuses_what_clickhouse_cannot_read(number: float) -> None:
    with pytest.raises((ValueError, TypeError)):
        number_literal(number)


def test_number_arrays_use_floats_unless_all_are_small_integers() -> None:
    assert number_array_literal([1, -2, 2**31 - 1]) == "[1, -2, 2147483647]"
    assert number_array_literal([1, 2**31]) == "[1.0, 2147483648.0]"
    assert number_array_literal([1, 0.5, 1e20]) == "[1.0, 0.5, 1e+20]"


def test_ids_and_identifiers() -> None:
    assert uint64_literal(2**64 - 1) == "18446744073709551615"
    assert quote_identifier("segmentation_test") == "`segmentation_test`"
    for bad in ("a`b", "a b", "a;b", ""):
        with pytest.raises(ValueError):
            quote_identifier(bad)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ALLOWED_CODE = re.compile(
    r"(?:[A-Za-z_][A-Za-z0-9_]*|`segdsl_test`|\d+(?:\.\d+)?(?:e[+-]\d+)?|[-?()\[\],.<>=!\s])*"
)
_ALLOWED_WORDS = {
    *"SELECT count FROM FINAL WHERE AND OR NOT BETWEEN ORDER BY LIMIT INSERT INTO sku products".split(),
    *"product_memberships tenant_id segment_id version product_id is_deleted name source".split(),
    *"created_at updated_at ai_readability_score ifNull isNotNull toYYYYMMDD has hasAny hasAll".split(),
    *"indexOf notEmpty position lowerUTF8 startsWith endsWith e".split(),
    *"str_keys str_vals text_keys text_vals num_keys num_vals bool_keys bool_vals".split(),
    *"date_keys date_vals arr_keys arr_vals".split(),
}


def _user_strings(raw: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for node in raw["conditions"]:
        if "conditions" in node:
            found |= _user_strings(node)
            continue
        found.add(node["property"])
        value = node.get("value")
        values = value if isinstance(value, list) else [value]
        found |= {item for item in values if isinstance(item, str)}
    return found


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(scenario=scenarios(definitions=3, max_products=3))
def test_compiled_sql_holds_user_text_only_in_escaped_literals(scenario: Scenario) -> None:
    for raw in scenario.definitions:
        definition = validate_definition(raw, scenario.schema)
        queries = compile_preview(
            definition,
            tenant_id=1,
            database="segdsl_test",
            today=date(2026, 5, 3),
            field_types=scenario.schema,
        )
        insert = compile_membership_insert(
            definition,
            tenant_id=1,
            segment_id=2,
            version=3,
            database="segdsl_test",
            today=date(2026, 5, 3),
            field_types=scenario.schema,
        )
        for sql in (queries.count_sql, queries.sample_sql, insert):
            code, literals = split_sql(sql)
            assert _ALLOWED_CODE.fullmatch(code), code
            assert set(_WORD.findall(code.replace("`segdsl_test`", ""))) <= _ALLOWED_WORDS
            # Dates become day numbers; every other literal is a user string (or '' for is_set on text).
            assert set(literals) <= _user_strings(raw) | {""}
            assert "\n" not in "".join(quote_string(text) for text in literals)
