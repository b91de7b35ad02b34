"""The rules the server applies to text are the ones its document states, read by a JSON Schema
validator (jsonschema-rs, what schemathesis and many clients use): no server-only surprises."""

from typing import Any

import jsonschema_rs
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from pim_api.products.schemas import MAX_SKU_LENGTH, ProductCreate, Sku
from pim_api.schema.schemas import ProductSchemaIn, SchemaFieldIn
from segops_platform.text_rules import line_problem

# Text where the rules have edges: ends, controls, NUL, spaces of other kinds, astral characters.
EDGY = st.text(alphabet=st.sampled_from(" \t\n\r\x00\x1f\x7f\x85\xa0\u2028\u3000aZ0_é😀"), max_size=8)
TEXT = st.one_of(EDGY, st.text(max_size=300), st.builds(lambda a, b: a * 40 + b, EDGY, EDGY))


def documented(model: type[BaseModel], field: str) -> Any:
    """A validator of `model`'s field as its JSON schema states it."""
    schema = model.model_json_schema()
    return jsonschema_rs.validator_for(schema["properties"][field])


SKU_AS_DOCUMENTED = documented(ProductCreate, "sku")
SKU = TypeAdapter(Sku)


def accepted(adapter: TypeAdapter[Any], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@given(TEXT)
def test_a_sku_is_what_the_document_says_in_bodies_and_in_bulk_items(value: str) -> None:
    as_documented = SKU_AS_DOCUMENTED.is_valid(value)
    assert accepted(SKU, value) == as_documented
    assert (line_problem(value, MAX_SKU_LENGTH) is None) == as_documented  # the bulk upsert's check


FIELD_NAME_AS_DOCUMENTED = documented(SchemaFieldIn, "name")
CURRENCY_AS_DOCUMENTED = documented(ProductSchemaIn, "default_currency")
LOCALE_AS_DOCUMENTED = documented(ProductSchemaIn, "default_locale")
NAMES = st.one_of(
    TEXT, st.from_regex(r"[a-z][a-z0-9_]{0,70}", fullmatch=True), st.sampled_from(["sku", "id"])
)


@given(NAMES)
def test_a_field_name_the_server_takes_is_one_the_document_allows(name: str) -> None:
    """The server also refuses what no pattern can say (uniqueness), never the other way round."""
    field = {"name": name, "type": "string"}
    if accepted(TypeAdapter(SchemaFieldIn), field):  # type: ignore[arg-type]
        assert FIELD_NAME_AS_DOCUMENTED.is_valid(name)


@given(st.one_of(TEXT, st.from_regex(r"[A-Za-z]{3}|[a-z]{2,3}_[A-Z]{2}", fullmatch=True)))
def test_currencies_and_locales_the_server_takes_are_ones_the_document_allows(code: str) -> None:
    schema = TypeAdapter(ProductSchemaIn)
    if accepted(schema, {"fields": [], "default_currency": code}):  # type: ignore[arg-type]
        assert CURRENCY_AS_DOCUMENTED.is_valid(code)
    if accepted(schema, {"fields": [], "default_locale": code}):  # type: ignore[arg-type]
        assert LOCALE_AS_DOCUMENTED.is_valid(code)
