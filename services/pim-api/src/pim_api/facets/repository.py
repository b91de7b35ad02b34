"""SQL for facets: one scan of the matching products serves every faceted field."""

from sqlalchemy import Text, case, func, literal, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from pim_api.products.models import ProductRow
from pim_api.products.query import ProductFilter
from pim_api.products.repository import conditions


class FacetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def top_values(
        self,
        tenant_id: int,
        where: ProductFilter,
        string_fields: list[str],
        array_fields: list[str],
        top: int,
    ) -> list[tuple[str, str, int]]:
        """Per field, the `top` most frequent values (ties: alphabetical), sorted by value."""
        matched = select(ProductRow.id, ProductRow.data).where(*conditions(tenant_id, where)).cte("matched")

        scalar_field = func.unnest(literal(string_fields, ARRAY(Text))).table_valued("name").alias("f")
        scalar_value = matched.c.data[scalar_field.c.name]
        scalar_values = (
            select(scalar_field.c.name.label("field"), scalar_value.astext.label("value"))
            .select_from(matched.join(scalar_field, true()))
            .where(func.jsonb_typeof(scalar_value) == "string")
        )

        array_field = func.unnest(literal(array_fields, ARRAY(Text))).table_valued("name").alias("a")
        array_value = matched.c.data[array_field.c.name]
        only_arrays = case((func.jsonb_typeof(array_value) == "array", array_value), else_=literal([], JSONB))
        element = func.jsonb_array_elements_text(only_arrays).table_valued("value").lateral("element")
        # An element listed twice in one product still counts that product once.
        array_values = (
            select(array_field.c.name, element.c.value)
            .select_from(matched.join(array_field, true()).join(element, true()))
            .group_by(matched.c.id, array_field.c.name, element.c.value)
        )

        values = union_all(scalar_values, array_values).cte("facet_values")
        count = func.count().label("n")
        rank = func.row_number().over(partition_by=values.c.field, order_by=(count.desc(), values.c.value))
        ranked = (
            select(values.c.field, values.c.value, count, rank.label("rank"))
            .group_by(values.c.field, values.c.value)
            .cte("ranked")
        )
        statement = (
            select(ranked.c.field, ranked.c.value, ranked.c.n)
            .where(ranked.c.rank <= top)
            .order_by(ranked.c.field, ranked.c.value)
        )
        rows = await self.session.execute(statement)
        return [(field, value, n) for field, value, n in rows]
