"""Type inference from sampled values, with the hints a header gives."""

import pytest

from pim_api.imports.suggestions.headers import parse_header
from pim_api.imports.suggestions.inference import fit_share, infer_type
from segdsl import FieldType

URLS = ["https://cdn.example.com/a.jpg", "http://example.com/b"]
PROSE = "A relaxed t-shirt cut from soft organic cotton jersey, with a ribbed crew neck and a straight hem."


@pytest.mark.parametrize(
    ("header", "values", "field_type"),
    [
        ("Published", ["1", "0"], "boolean"),
        ("Active (0/1)", ["1", "0"], "boolean"),
        ("In stock?", ["1", "0"], "boolean"),
        ("Count", ["1", "0"], "number"),
        ("Flag", ["yes", "no"], "boolean"),
        ("Gift Card", ["TRUE", "FALSE"], "boolean"),
        ("Amount due", ["12.50", "3"], "price"),
        ("Prix", ["12,50", "3,99"], "price"),
        ("Width", ["12.50", "3"], "number"),
        ("Misc", ["$12.00", "$3.50"], "price"),
        ("Misc", ["12,50 €", "3,00 €"], "price"),
        ("Misc", ["15.00 USD", "7.5 USD"], "price"),
        ("Misc", ["12kg", "3kg"], "string"),
        ("Weight (kg)", ["1.5", "2"], "number"),
        ("Zip", ["00123", "00456"], "string"),
        ("Code", ["4006381333931", "4006381333948"], "string"),
        ("Launched", ["2024-01-02", "2024-03-04"], "date"),
        ("Created", ["2023-10-29 20:33", "2023-10-30 09:00"], "date"),
        ("Code", ["20240102", "20240103"], "number"),
        ("Link", URLS, "url"),
        ("Notes", [PROSE], "text"),
        ("Notes", ["<b>Warm</b> hat"], "text"),
        ("Notes", ["Line one\nLine two"], "text"),
        ("Labels", ["a, b, c", "d, e", "f, g, h, i"], "array"),
        ("Facets", ["category:Electronics|brand:Apple", "category:Audio", "a|b|c", "d|e"], "array"),
        ("Values (x,y,z...)", ["a,b", "c", "d"], "array"),
        ("SEO Title", ["Tee | My Store", "Hat | My Store", "Cap | My Store"], "string"),
        ("Visibility", ["Catalog, Search", "Catalog", "Search"], "string"),
        ("Power", ["AC 100-240V, 50/60Hz", "12 V"], "string"),
        ("Color", ["Black", "White"], "string"),
        ("Mostly numbers", ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "n/a"], "number"),
    ],
)
def test_types_are_inferred(header: str, values: list[str], field_type: FieldType) -> None:
    assert infer_type(parse_header(header), values).field_type == field_type


def test_no_values_is_a_string_that_fits_nothing() -> None:
    inferred = infer_type(parse_header("Anything"), [])
    assert (inferred.field_type, inferred.fit) == ("string", 0.0)


def test_fit_share_counts_the_values_a_type_accepts() -> None:
    assert fit_share("number", ["1", "2", "x", "4"]) == 0.75
    assert fit_share("url", []) == 1.0
