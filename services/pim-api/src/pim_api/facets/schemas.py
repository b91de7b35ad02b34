"""HTTP shapes of facets."""

from pydantic import BaseModel, ConfigDict, RootModel


class FacetCount(BaseModel):
    value: str
    count: int


class Facets(RootModel[dict[str, list[str] | list[FacetCount]]]):
    """Per string and array schema field, its most frequent values (up to 100), sorted ascending;
    with `counts=true`, each value with how many matching products hold it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"brand": ["Adidas", "Nike", "Puma"], "tags": ["casual", "running"]}]}
    )
