"""What the compiler relies on, checked on ClickHouse 18.16 and on current ClickHouse (chdb)."""

import random
import struct
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from segdsl import (
    MAX_CONDITIONS,
    MAX_LIST_VALUES,
    FieldType,
    coerce,
    compile_preview,
    insert_rows_sql,
    json_each_row,
    quote_string,
    replica_row,
    validate_definition,
)
from tests.segdsl.engines import DATABASE, Engine
from tests.segdsl.unicode_case import FINAL_SIGMA, LOWER_DIVERGENCES, code_points, format_ranges

_tenants = iter(range(10**9, 2 * 10**9))


def _values(engine: Engine, sql: str) -> list[str]:
    return engine.execute(sql).rstrip("\n").split("\t")


def test_functions_the_compiler_uses(engine: Engine) -> None:
    sql = (
        "SELECT has(['a', 'b'], 'b'), hasAny(['a', 'b'], ['c', 'b']), hasAll(['a', 'b'], ['b', 'a', 'b']), "
        "indexOf(['x', 'y'], 'y'), ['q'][indexOf(['x'], 'z')] = '', notEmpty([[1]][indexOf(['x'], 'z')]), "
        "position(lowerUTF8('ÄBC'), lowerUTF8('äb')) > 0, startsWith(lowerUTF8('Nike'), lowerUTF8('NI')), "
        "endsWith(lowerUTF8('Nike'), lowerUTF8('KE')), position('abc', '') > 0, startsWith('a\\0b', 'a\\0'), "
        "toYYYYMMDD(toDateTime('1970-01-01 00:00:00', 'UTC')), "
        "toYYYYMMDD(toDateTime('2105-12-31 23:59:59', 'UTC')), has([1, 2.5], toFloat64(2.5)), "
        "3 BETWEEN 3 AND 3, NOT (0) AND 0, ifNull(CAST(NULL AS Nullable(Float64)), 0)"
    )
    assert _values(engine, sql) == "1 1 1 2 1 0 1 1 1 1 1 19700101 21051231 1 1 0 0".split()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"])), min_size=1, max_size=20))
def test_every_literal_reads_back_byte_for_byte(engine: Engine, texts: list[str]) -> None:
    sql = "SELECT " + ", ".join(f"hex({quote_string(text)})" for text in texts)
    assert _values(engine, sql) == [text.encode().hex().upper() for text in texts]


def test_lower_utf8_divergences_are_the_recorded_ones(engine: Engine) -> None:
    """Every code point is lowercased alone, so only context-free differences show."""
    separator = "\x01"
    points = [point for point in range(0x110000) if not 0xD800 <= point <= 0xDFFF and point != 1]
    differing: set[int] = set()
    for start in range(0, len(points), 20000):
        chunk = points[start : start + 20000]
        text = separator.join(chr(point) for point in chunk)
        (hexed,) = _values(engine, f"SELECT hex(lowerUTF8({quote_string(text)}))")
        lowered = bytes.fromhex(hexed).decode().split(separator)
        differing |= {point for point, low in zip(chunk, lowered, strict=True) if chr(point).lower() != low}
    assert format_ranges(differing) == format_ranges(set(code_points(LOWER_DIVERGENCES[engine.name])))


def test_final_sigma(engine: Engine) -> None:
    (lowered,) = _values(engine, f"SELECT lowerUTF8({quote_string('ΟΔΟΣ')})")
    expected = "οδος" if engine.name == "chdb" else "οδοσ"  # Python: 'οδος'
    assert lowered == expected and FINAL_SIGMA in "ΟΔΟΣ"


def test_float_text_in_json_each_row_is_inexact_on_18_16_hence_bits(engine: Engine) -> None:
    (same,) = _values(engine, "SELECT toFloat64('4.56') = 4.56")
    assert same == ("0" if engine.name == "clickhouse-18.16" else "1")


def test_numbers_reach_the_replica_bit_for_bit(engine: Engine) -> None:
    tenant = next(_tenants)
    rng = random.Random(7)
    numbers = [4.56, 0.1, 5e-324, -0.0, 1.7976931348623157e308, 2.0**53 + 2]
    numbers += [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(300)]
    numbers = [n for n in numbers if n == n and abs(n) != float("inf")]
    schema: dict[str, FieldType] = {"weight": "number"}
    rows = [
        replica_row(
            {"id": i, "sku": f"{i:04d}", "data": {"weight": n}, "ai_readability_score": n},
            schema,
            tenant_id=tenant,
            version=1,
        )
        for i, n in enumerate(numbers)
    ]
    engine.execute(insert_rows_sql(DATABASE), json_each_row(rows))
    output = engine.execute(
        "SELECT hex(reinterpretAsString(num_vals[1])), "
        "hex(reinterpretAsString(assumeNotNull(ai_readability_score))) "
        f"FROM {DATABASE}.products WHERE tenant_id = {tenant} ORDER BY sku"
    )
    stored = [line.split("\t") for line in output.rstrip("\n").split("\n")]
    # Coercion turns -0.0 into 0; reinterpretAsString drops trailing zero bytes.
    expected = [struct.pack("<d", float(coerce("number", n))).hex().upper().rstrip("0") for n in numbers]
    assert [value.rstrip("0") for value, _ in stored] == expected
    assert [score.rstrip("0") for _, score in stored] == expected


def test_the_largest_definition_runs_with_query_settings(engine: Engine) -> None:
    schema: dict[str, FieldType] = {f"field {i}": "string" for i in range(MAX_CONDITIONS)}
    conditions = [
        {
            "type": "product_attribute",
            "property": f"field {i}",
            "operator": "not_in" if i % 2 else "in",
            "value": [f"value '{j}' \\ {{}}" for j in range(MAX_LIST_VALUES)],
            "value_type": "string",
        }
        for i in range(MAX_CONDITIONS)
    ]
    definition = validate_definition({"logic": "OR", "conditions": conditions}, schema)
    queries = compile_preview(
        definition, tenant_id=next(_tenants), database=DATABASE, today=date(2026, 5, 3), field_types=schema
    )
    assert len(queries.count_sql) > 4_000_000
    assert engine.execute(queries.count_sql) == "0\n"
