"""HTTP shapes of a product's readability breakdown."""

from typing import Literal

from pydantic import BaseModel, Field


class CriterionOut(BaseModel):
    name: Literal["feed_fields", "title", "description", "richness", "consistency"]
    score: float = Field(description="Points earned, 0..weight")
    weight: int = Field(description="The points the criterion is worth (the weights add up to 100)")
    suggestions: list[str] = Field(description="What to improve, each naming the field; empty when full")


class ReadabilityOut(BaseModel):
    product_id: int
    score: float = Field(description="0-100: how well the product's data serves AI shopping agents")
    grade: Literal["A", "B", "C", "D", "E"] = Field(description="A >= 90, B >= 80, C >= 70, D >= 60, E below")
    criteria: list[CriterionOut]


class AdviceOut(BaseModel):
    gap: str = Field(description="What the products lack, as `criterion.part` (e.g. `feed_fields.gtin`)")
    suggestion: str = Field(description="What to do about it, naming the tenant's field")
    products: int = Field(description="How many products have this gap")


class ReadabilitySummaryOut(BaseModel):
    scored: int = Field(description="Products with a score")
    unscored: int = Field(description="Products not scored yet (being rescored after a schema change)")
    average_score: float | None = Field(description="The mean score of the scored products")
    grades: dict[Literal["A", "B", "C", "D", "E"], int] = Field(description="Products per grade")
    suggestions: list[AdviceOut] = Field(description="Every gap the catalog has, the most common first")
