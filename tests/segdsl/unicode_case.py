"""Where ClickHouse's `lowerUTF8` and Python's `str.lower` disagree, measured code point by code point.

Regenerate by running tests/segdsl/test_engine_facts.py::test_lower_utf8_divergences and reading
its failure. Besides these, Python lowercases a word-final 'Σ' to 'ς'; current ClickHouse does too,
18.16 never does.
"""

LOWER_DIVERGENCES: dict[str, str] = {
    # Unicode case tables older than Python 3.11's, and no length-changing mappings (İ, ẞ, Ω→ω is fine).
    "clickhouse-18.16": (
        "0130 01C5 01C8 01CB 01F2 023A 023E 13A0-13F5 1C90-1CBA 1CBD-1CBF 1E9E 1F88-1F8F 1F98-1F9F "
        "1FA8-1FAF 1FBC 1FCC 1FFC 2126 212A-212B 2132 2160-216F 2183 24B6-24CF 2C00-2C2F 2C60 2C62-2C64 "
        "2C67 2C69 2C6B 2C6D-2C70 2C72 2C75 2C7E-2C80 2C82 2C84 2C86 2C88 2C8A 2C8C 2C8E 2C90 2C92 2C94 "
        "2C96 2C98 2C9A 2C9C 2C9E 2CA0 2CA2 2CA4 2CA6 2CA8 2CAA 2CAC 2CAE 2CB0 2CB2 2CB4 2CB6 2CB8 2CBA "
        "2CBC 2CBE 2CC0 2CC2 2CC4 2CC6 2CC8 2CCA 2CCC 2CCE 2CD0 2CD2 2CD4 2CD6 2CD8 2CDA 2CDC 2CDE 2CE0 "
        "2CE2 2CEB 2CED 2CF2 A78D A7AA-A7AE A7B0-A7B4 A7B6 A7B8 A7BA A7BC A7BE A7C0 A7C2 A7C4-A7C7 A7C9 "
        "A7D0 A7D6 A7D8 A7F5 104B0-104D3 10570-1057A 1057C-1058A 1058C-10592 10594-10595 10C80-10CB2 "
        "16E40-16E5F 1E900-1E921"
    ),
    # Capital letters added after Unicode 14 (Python 3.11's), which ClickHouse 26.9 already lowercases.
    "chdb": "1C89 A7CB-A7CC A7CE A7D2 A7D4 A7DA A7DC 10D50-10D65 16EA0-16EB8",
}

FINAL_SIGMA = "\u03a3"


def code_points(ranges: str) -> frozenset[int]:
    """'0130 13A0-13F5' → the code points it names."""
    points: set[int] = set()
    for token in ranges.split():
        first, _, last = token.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def format_ranges(points: set[int]) -> str:
    """The inverse of `code_points`."""
    tokens: list[str] = []
    ordered = sorted(points)
    start = previous = ordered[0] if ordered else 0
    for point in [*ordered[1:], None]:
        if point is not None and point == previous + 1:
            previous = point
            continue
        tokens.append(f"{start:04X}" if start == previous else f"{start:04X}-{previous:04X}")
        if point is not None:
            start = previous = point
    return " ".join(tokens) if ordered else ""


# Characters kept out of generated text: where the engines and the reference evaluator knowingly differ.
AVOIDED_CHARACTERS: frozenset[str] = frozenset(
    {chr(point) for ranges in LOWER_DIVERGENCES.values() for point in code_points(ranges)} | {FINAL_SIGMA}
)
