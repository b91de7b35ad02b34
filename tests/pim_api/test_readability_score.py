"""The readability score of hand-made products: at each grade, and criterion by criterion. Expected
figures are worked out by hand from the weights (feed fields 35, title 20, description 20,
richness 15, consistency 10)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pim_api.readability.score import Readability, Scorer, fingerprint, gaps_in, grade_of
from segdsl import FieldType

SCHEMA: dict[str, FieldType] = {
    "brand": "string",
    "description": "text",
    "price": "price",
    "availability": "string",
    "image_url": "url",
    "gtin": "string",
    "color": "string",
    "category": "string",
}
TITLE = "Nike Air Zoom Pegasus 40 Running Shoe"
DESCRIPTION = (
    "A responsive everyday running shoe with a breathable engineered mesh upper, a full-length "
    "React foam midsole and two Zoom Air units that return energy with every stride. The rubber "
    "outsole grips wet roads, the padded collar keeps the heel in place, and the flywire cables lock "
    "the midfoot down for tempo runs, long runs and easy recovery days alike."
)
COMPLETE: dict[str, Any] = {
    "brand": "Nike",
    "description": DESCRIPTION,
    "price": "129.99",
    "availability": "in stock",
    "image_url": "https://cdn.example.com/pegasus.jpg",
    "gtin": "4006381333931",  # a valid EAN-13
    "color": "Blue",
    "category": "Running shoes",
}


def score(
    data: dict[str, Any], title: str = TITLE, schema: dict[str, FieldType] = SCHEMA, shared_by: int = 1
) -> Readability:
    scorer = Scorer(schema)
    result = scorer.readability(title, data, shared_by)
    assert scorer.assess(title, data, shared_by).score == result.score  # what writes store
    return result


def criterion(result: Readability, name: str) -> tuple[float, tuple[str, ...]]:
    found = next(each for each in result.criteria if each.name == name)
    return found.score, found.suggestions


def without(*names: str) -> dict[str, Any]:
    return {key: value for key, value in COMPLETE.items() if key not in names}


def test_a_complete_product_scores_full_marks() -> None:
    result = score(COMPLETE)
    assert (result.score, result.grade) == (100.0, "A")
    assert all(not each.suggestions for each in result.criteria)


def test_each_grade() -> None:
    # No GTIN, no image: feed fields lose 0.35 x 35 = 12.25, richness 2/8 x 15 = 3.75.
    b = score(without("gtin", "image_url"))
    assert (b.score, b.grade) == (84.0, "B")
    # And a title in capitals without the brand: title loses (0.15 + 0.2) x 20 = 7.
    c = score(without("gtin", "image_url"), title="AIR ZOOM PEGASUS 40 RUNNING SHOE")
    assert (c.score, c.grade) == (77.0, "C")
    # And a description with HTML that 6 products share: description loses (0.2 + 0.2) x 20 = 8.
    d = score(
        {**without("gtin", "image_url"), "description": f"<p>{DESCRIPTION}</p>"},
        title="AIR ZOOM PEGASUS 40 RUNNING SHOE",
        shared_by=6,
    )
    assert (d.score, d.grade) == (69.0, "D")
    # Only a SKU and a one-word title: what a 4-character, one-word title still earns (not all
    # capitals, no stuffing: 0.3 x 20).
    e = score({}, title="Shoe")
    assert (e.score, e.grade) == (6.0, "E")
    assert e.score < 40


@pytest.mark.parametrize(
    ("value", "grade"),
    [(100, "A"), (90, "A"), (89.9, "B"), (80, "B"), (79.9, "C"), (70, "C"), (60, "D"), (59.9, "E")],
)
def test_grade_boundaries(value: float, grade: str) -> None:
    assert grade_of(value) == grade


def test_feed_fields_are_found_by_the_names_exports_give_them() -> None:
    schema: dict[str, FieldType] = {
        "Body HTML": "text",
        "Variant Price": "price",
        "inventory_count": "number",
        "Vendor": "string",
        "Image Src": "url",
        "EAN": "string",
    }
    data = {
        "Body HTML": DESCRIPTION,
        "Variant Price": "129.99",
        "inventory_count": 0,
        "Vendor": "Nike",
        "Image Src": "https://cdn.example.com/pegasus.jpg",
    }
    result = score(data, schema=schema)
    assert criterion(result, "feed_fields") == (29.75, ("add a GTIN (EAN)",))
    assert criterion(result, "description")[0] == 20.0  # found under its export name
    assert criterion(score({**data, "EAN": "4006381333931"}, schema=schema), "feed_fields")[0] == 35.0


def test_an_mpn_stands_in_for_a_gtin_and_a_missing_field_is_named_for_the_schema() -> None:
    schema: dict[str, FieldType] = {"mpn": "string"}
    assert criterion(score({"mpn": "CW7356-400"}, schema=schema), "feed_fields")[1] == (
        "add a description: a schema field `description`, then fill it",
        "add a price: a schema field `price`, then fill it",
        "add availability: a schema field `availability`, then fill it",
        "add a brand: a schema field `brand`, then fill it",
        "add an image link: a schema field `image_url`, then fill it",
    )


@pytest.mark.parametrize(
    ("title", "points", "suggestion"),
    [
        (TITLE, 20.0, None),
        ("Nike Pegasus", 10.0, "name is 12 characters; 25-150 read best"),  # 2 words: 0.3 + 0.2 lost
        ("Air Zoom Pegasus 40 Running Shoe", 16.0, "put the brand in the name"),
        ("NIKE AIR ZOOM PEGASUS 40 RUNNING SHOE", 17.0, "name is all capitals"),
        (
            "Nike running shoes running shoe running",
            17.0,
            "name repeats running: write a title, not keywords",
        ),
        (
            "Nike shoe | run | gym | trail | road",
            17.0,
            "name repeats separators: write a title, not keywords",
        ),
    ],
)
def test_title(title: str, points: float, suggestion: str | None) -> None:
    earned, suggestions = criterion(score(COMPLETE, title=title), "title")
    assert earned == points
    assert (suggestion is None and not suggestions) or suggestion in suggestions


def test_description() -> None:
    def points(description: str, shared_by: int = 1) -> tuple[float, tuple[str, ...]]:
        return criterion(score({**COMPLETE, "description": description}, shared_by=shared_by), "description")

    assert points(DESCRIPTION) == (20.0, ())
    twenty = " ".join(["word"] * 19 + ["end"])
    assert points(twenty) == (
        16.8,  # 12 + 0.4 x 0.6 x 20
        ("description is 20 words; 50+ help agents answer questions",),
    )
    assert points("Great shoe.")[0] == pytest.approx(12 + 0.4 * 0.25 * 20)
    assert points(TITLE.lower()) == (
        10.0,  # 8 + 0.4 x 0.25 x 20
        ("description is 7 words; 50+ help agents answer questions", "description repeats the name"),
    )
    assert points(DESCRIPTION, shared_by=5)[1] == (
        "description is shared by 5 products; write one for this product",
    )
    assert points(DESCRIPTION, shared_by=4)[0] == 20.0
    assert points(DESCRIPTION.replace("shoe", "shoe&nbsp;"))[0] == 16.0
    assert criterion(score(without("description")), "description") == (
        0.0,
        ("add a description (description) of 50+ words",),
    )


def test_richness_is_the_share_of_schema_fields_filled() -> None:
    assert criterion(score(without("color", "category")), "richness") == (11.25, ("fill category, color",))
    no_schema = score({"a": 1, "b": "x"}, schema={})
    assert criterion(no_schema, "richness") == (3.75, ("describe the product with 8+ attributes",))


def test_consistency() -> None:
    bad_gtin = score({**COMPLETE, "gtin": "4006381333932"})  # wrong check digit
    assert criterion(bad_gtin, "consistency") == (9.0, ("gtin is not a valid GTIN",))
    relative = score({**COMPLETE, "image_url": "/images/pegasus.jpg"})
    # the url field holds a relative link: neither a valid url nor an absolute link (2 of 10 checks)
    assert criterion(relative, "consistency")[0] == pytest.approx(10 * 8 / 10)
    retyped = score(COMPLETE, schema={**SCHEMA, "color": "number"})  # color's type changed after the write
    assert criterion(retyped, "consistency") == (
        9.0,
        ("color does not hold a valid number",),
    )
    assert criterion(score({}), "consistency") == (0.0, ("no attribute values to check: add some",))


def test_writes_store_the_gaps_the_breakdown_suggests() -> None:
    scorer = Scorer(SCHEMA)
    data = {**without("gtin", "image_url"), "description": f"<p>{DESCRIPTION}</p>"}
    assessed = scorer.assess("AIR ZOOM PEGASUS 40 RUNNING SHOE", data, shared_by=6)
    assert assessed.score == 69.0
    assert gaps_in(assessed.gaps) == [
        "feed_fields.image_url",
        "feed_fields.gtin",
        "title.brand",
        "title.capitals",
        "description.boilerplate",
        "description.html",
        "richness.empty",
    ]
    assert gaps_in(scorer.assess(TITLE, COMPLETE).gaps) == []
    assert scorer.advice("feed_fields.gtin") == "add a GTIN (gtin)"
    assert scorer.advice("description.words") == "write descriptions of 50+ words (description)"
    exported = Scorer({"Body HTML": "text", "EAN": "string"})
    assert exported.advice("consistency.gtin") == "fix GTINs with a wrong check digit (EAN)"
    assert exported.advice("description.html") == "give descriptions (Body HTML) as plain text, not HTML"


@given(
    title=st.text(max_size=60),
    data=st.dictionaries(
        st.sampled_from([*SCHEMA, "extra"]),
        st.one_of(
            st.text(max_size=80), st.integers(), st.booleans(), st.lists(st.text(max_size=5), max_size=3)
        ),
    ),
    shared_by=st.integers(1, 9),
)
def test_the_stored_score_is_the_breakdowns(title: str, data: dict[str, Any], shared_by: int) -> None:
    scorer = Scorer(SCHEMA)
    breakdown = scorer.readability(title, data, shared_by)
    assessed = scorer.assess(title, data, shared_by)
    assert assessed.score == breakdown.score
    assert 0 <= assessed.score <= 100
    assert (assessed.gaps == 0) == all(not criterion.suggestions for criterion in breakdown.criteria)


def test_a_description_is_known_whatever_its_case() -> None:
    assert fingerprint(" Soft cotton Tee\n") == fingerprint("soft cotton tee")
    assert fingerprint("soft cotton tee") != fingerprint("soft cotton tees")
    assert -(2**63) <= fingerprint(DESCRIPTION) < 2**63
