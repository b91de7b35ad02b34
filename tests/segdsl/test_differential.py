"""Differential tests: what ClickHouse selects equals what the reference evaluator selects, on both engines.

Each generated scenario is loaded once (current versions and a decoy tenant in one insert; stale
versions and tombstones, which must lose to or beat the current ones by version, in a later insert)
and checked with several definitions: counts for all, the sample query and the membership insert
for one each.
"""

import itertools
import json
from typing import Any

from hypothesis import given

from segdsl import (
    MEMBERSHIPS_TABLE,
    ProductValues,
    compile_matching,
    compile_membership_insert,
    compile_preview,
    insert_rows_sql,
    json_each_row,
    matches,
    product_values,
    replica_row,
    tombstone_row,
    validate_definition,
)
from tests.segdsl.engines import DATABASE, Engine
from tests.segdsl.profiles import ENGINE_PROFILE, LONG
from tests.segdsl.strategies import Scenario, scenarios

DEFINITIONS_PER_SCENARIO = 10
MIN_DEFINITIONS = 500
_tenant_ids = itertools.count(1000, 2)  # each scenario's tenant n, and n + 1 as a decoy


def test_clickhouse_selects_what_the_reference_evaluator_selects(engine: Engine) -> None:
    checked = 0

    @ENGINE_PROFILE
    @given(scenario=scenarios(DEFINITIONS_PER_SCENARIO))
    def check(scenario: Scenario) -> None:
        nonlocal checked
        checked += _check_scenario(engine, scenario)

    check()
    assert checked >= (MIN_DEFINITIONS * 2 if LONG else MIN_DEFINITIONS)


def _load(engine: Engine, scenario: Scenario, tenant: int) -> dict[str, ProductValues]:
    schema = scenario.schema
    current = [replica_row(product, schema, tenant_id=tenant, version=10) for product in scenario.products]
    decoys = [replica_row(product, schema, tenant_id=tenant + 1, version=10) for product in scenario.products]
    later = [replica_row(product, schema, tenant_id=tenant, version=5) for product in scenario.stale]
    later += [
        tombstone_row(tenant_id=tenant, sku=product["sku"], product_id=product["id"], version=20)
        for product in scenario.products
        if product["sku"] in scenario.deleted
    ]
    for rows in (current + decoys, later):
        if rows:
            engine.execute(insert_rows_sql(DATABASE), json_each_row(rows))
    return {
        product["sku"]: product_values(product, schema)
        for product in scenario.products
        if product["sku"] not in scenario.deleted
    }


def _check_scenario(engine: Engine, scenario: Scenario) -> int:
    tenant = next(_tenant_ids)
    live = _load(engine, scenario, tenant)
    selected: list[list[str]] = []
    for index, raw in enumerate(scenario.definitions):
        definition = validate_definition(raw, scenario.schema)
        expected = sorted(
            sku for sku, values in live.items() if matches(definition, values, today=scenario.today)
        )
        selected.append(expected)
        queries = compile_preview(
            definition,
            tenant_id=tenant,
            database=DATABASE,
            today=scenario.today,
            field_types=scenario.schema,
            sample_size=3,
        )
        context = _context(raw, queries.count_sql, expected)
        assert int(engine.execute(queries.count_sql)) == len(expected), context
        if index == 0:
            assert _skus(engine, queries.sample_sql) == expected[:3], context
        if index == 1:
            insert = compile_membership_insert(
                definition,
                tenant_id=tenant,
                segment_id=7,
                version=tenant,
                database=DATABASE,
                today=scenario.today,
                field_types=scenario.schema,
            )
            engine.execute(insert)
            members = (
                f"SELECT sku FROM {DATABASE}.{MEMBERSHIPS_TABLE} FINAL "
                f"WHERE tenant_id = {tenant} AND segment_id = 7 AND version = {tenant} ORDER BY sku"
            )
            assert _skus(engine, members) == expected, context
    _check_matching(engine, scenario, tenant, selected)
    return len(scenario.definitions)


def _check_matching(engine: Engine, scenario: Scenario, tenant: int, selected: list[list[str]]) -> None:
    """Live re-evaluation: every definition at once, on the scenario's SKUs (deleted ones too) and
    one the tenant never had."""
    definitions = [validate_definition(raw, scenario.schema) for raw in scenario.definitions]
    sql = compile_matching(
        definitions,
        tenant_id=tenant,
        database=DATABASE,
        today=scenario.today,
        field_types=scenario.schema,
        skus=[*(product["sku"] for product in scenario.products), "never-written"],
    )
    output = engine.execute(f"{sql}\nFORMAT JSONEachRow")
    rows = [json.loads(line) for line in output.split("\n") if line]
    for index, expected in enumerate(selected):
        found = sorted(row["sku"] for row in rows if row["matched"][index])
        assert found == expected, _context(scenario.definitions[index], sql, expected)


def _skus(engine: Engine, sql: str) -> list[str]:
    output = engine.execute(f"{sql}\nFORMAT JSONEachRow")
    return [json.loads(line)["sku"] for line in output.split("\n") if line]  # not splitlines(): U+2028


def _context(raw: dict[str, Any], sql: str, expected: list[str]) -> str:
    return f"definition: {json.dumps(raw)}\nexpected SKUs: {expected!r}\nSQL:\n{sql}"
