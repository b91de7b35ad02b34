"""HTTP shapes of segments, as in the API reference.

A definition is documented by `ConditionGroup` and `Condition` (DESIGN.md's DSL) but read raw:
segdsl's `validate_definition` checks it against the tenant's schema and names every problem by
its JSON path, which a JSON Schema validator could not (unknown properties, operators per type).
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, RootModel, SkipValidation

from segdsl.definition import MAX_CONDITIONS, OPERATORS
from segdsl.field_types import BUILTIN_PROPERTIES, VALUE_TYPES
from segment_api.segments.models import DEFAULT_REFRESH_MINUTES
from segops_platform.json_body import RequestBody
from segops_platform.text_rules import Text, as_line, documented_line

MAX_NAME_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 2_000
MAX_REFRESH_MINUTES = 366 * 24 * 60

OPERATOR_NAMES: list[JsonValue] = [
    *sorted({operator for operators in OPERATORS.values() for operator in operators})
]
VALUE_TYPE_NAMES: list[JsonValue] = [*VALUE_TYPES]

_EXAMPLE_DEFINITION: dict[str, Any] = {
    "logic": "AND",
    "conditions": [
        {
            "type": "product_attribute",
            "property": "category",
            "operator": "eq",
            "value": "running",
            "value_type": "string",
        },
        {
            "type": "product_attribute",
            "property": "price",
            "operator": "lte",
            "value": 150,
            "value_type": "number",
        },
    ],
}


class Condition(BaseModel):
    """One test on a product property."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["product_attribute"]
    property: Text = Field(
        description="A schema field, or a built-in: " + ", ".join(sorted(BUILTIN_PROPERTIES)),
        examples=["category"],
    )
    operator: str = Field(
        description="Which operators each value_type takes: see the DSL in DESIGN.md",
        json_schema_extra={"enum": OPERATOR_NAMES},
    )
    value: Any = Field(
        default=None,
        description="A JSON value of the value_type; a list for in/not_in/contains_any/contains_all; "
        "[low, high] for between/not_between; days (N ≥ 0) for within_last_days; absent for is_set "
        "and the like",
    )
    value_type: str = Field(
        description="The value type of the property's field type",
        json_schema_extra={"enum": VALUE_TYPE_NAMES},
    )


class ConditionGroup(BaseModel):
    """Conditions and nested groups, all (AND) or any (OR) of which must hold."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_DEFINITION]})

    logic: Literal["AND", "OR"]
    conditions: list["Condition | ConditionGroup"] = Field(min_length=1, max_length=MAX_CONDITIONS)


# Documented as a ConditionGroup, passed on as sent: segdsl validates it (see the module docstring).
RawDefinition = SkipValidation[ConditionGroup]
Name = Annotated[str, as_line(MAX_NAME_LENGTH), documented_line(MAX_NAME_LENGTH, "The segment's name")]
Description = Annotated[Text, Field(max_length=MAX_DESCRIPTION_LENGTH)]
RefreshInterval = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_REFRESH_MINUTES,
        description="Minutes between recomputations of an active segment",
    ),
]


class SegmentCreate(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Running shoes under $150",
                    "description": "Optional",
                    "is_active": False,
                    "definition": _EXAMPLE_DEFINITION,
                }
            ]
        }
    )

    name: Name
    description: Description = ""
    is_active: bool = False
    definition: RawDefinition
    refresh_interval: RefreshInterval = DEFAULT_REFRESH_MINUTES


class SegmentPatch(RequestBody):
    """The fields to change; those absent (or null) keep their value."""

    name: Name | None = None
    description: Description | None = None
    is_active: bool | None = None
    definition: RawDefinition | None = None
    refresh_interval: RefreshInterval | None = None


class SegmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    is_active: bool
    definition: ConditionGroup = Field(description="As validated: the canonical form of what was sent")
    computed_count: int | None = Field(description="Members at the last computation; null until the first")
    last_computed_at: datetime | None
    refresh_interval: int
    created_at: datetime
    updated_at: datetime


class SegmentList(RootModel[list[SegmentOut]]):
    """The tenant's segments, in id order."""


class Preview(BaseModel):
    matched_count: int = Field(description="How many products match, exactly")
    sample_skus: list[str] = Field(description="The first 10 matching SKUs, in SKU order")
    sql: str = Field(description="The compiled query that selects the sample")


class ComputeQueued(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "queued", "segment_id": 1}]})

    status: Literal["queued"]
    segment_id: int


class Member(BaseModel):
    sku: str
    name: str | None = Field(description="null when the product was deleted after the run")
    data: dict[str, Any] | None = Field(description="null when the product was deleted after the run")


class MemberPage(BaseModel):
    count: int = Field(description="Members of the run, exactly")
    results: list[Member] = Field(description="Up to 50, in SKU order")
    next_cursor: int | None = Field(
        description="The offset to pass as `cursor` for the next page; null on the last"
    )
    run_id: int | None = Field(
        description="The run these members are of; pass it back with `cursor` to page through the same run "
        "while a newer one lands. null: never computed"
    )


class RunChange(BaseModel):
    run_id: int
    computed_at: datetime
    entered_count: int = Field(description="SKUs in this run and not in the previous one, exactly")
    exited_count: int = Field(description="SKUs in the previous run and not in this one, exactly")
    entered: list[str] = Field(description="The first 1,000 of them, in SKU order")
    exited: list[str] = Field(description="The first 1,000 of them, in SKU order")


class LiveChange(BaseModel):
    id: int = Field(description="Its place in the feed: pass the last one seen as `cursor`")
    sku: str
    change: Literal["entered", "exited"]
    run_id: int = Field(description="The run whose members it changed")
    product_version: int = Field(description="The product write that caused it")
    changed_at: datetime


class ChangeList(BaseModel):
    results: list[RunChange] = Field(
        description="The last runs, newest first; the first run enters every member"
    )
    live: list[LiveChange] = Field(
        description="What product writes made enter and leave the segment between runs, after `cursor`, "
        "oldest first (up to 1,000)"
    )
    next_cursor: int = Field(
        description="The cursor for the next call: the last live change's id (or the one given, if none)"
    )


class SegmentRef(BaseModel):
    id: int
    name: str


class ProductSegments(BaseModel):
    results: list[SegmentRef] = Field(
        description="The segments whose current members hold the product, by id (none for an unknown product)"
    )
