"""What a CSV upload is made of, told from its first bytes: encoding, delimiter, header.

Exports come in UTF-8 (with or without BOM) and, from older desktop tools, cp1252 or Latin-1
(or UTF-16, from Excel);
delimiters are `,` `;` `\\t` or `|`. The head (the first MiB) decides both; the file is then read
in full, as a stream, with what the head decided.
"""

import codecs
import csv
import io
from collections import Counter
from dataclasses import dataclass
from itertools import islice

DELIMITERS = (",", ";", "\t", "|")
SNIFFED_RECORDS = 50
# What database exports write for "no value" (MySQL's `\N`, SQL's NULL): read as an empty cell.
NULL_MARKERS = frozenset({"NULL", "null", "\\N"})


def is_blank(cell: str) -> bool:
    """The cell holds no value: empty, spaces, or a database's null marker."""
    stripped = cell.strip()
    return not stripped or stripped in NULL_MARKERS


class CsvFormatError(ValueError):
    """The file cannot be read as a CSV; the message says why, for a person."""


@dataclass(frozen=True)
class HeaderRename:
    column: int  # 1-based
    original: str
    renamed: str
    reason: str


@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16, cp1252, latin-1
    delimiter: str
    headers: list[str]  # unique and non-blank
    renamed: list[HeaderRename]


def detect_encoding(head: bytes, complete: bool) -> str:
    """The codec of the file whose first bytes are `head` (`complete`: the head is the whole file).

    Not UTF-8 means a legacy Windows export: cp1252, which decodes what Latin-1 does except in
    0x80-0x9F, where it has the curly quotes and the euro sign; Latin-1 when a byte there is one
    cp1252 leaves undefined.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    if b"\x00" in head:
        raise CsvFormatError("the file is binary (it holds NUL bytes), not a CSV text file")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            # A head cut inside a multi-byte character is still UTF-8: the decoder keeps a partial tail.
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
            return encoding
        except UnicodeDecodeError:
            pass
    return "latin-1"


def detect_delimiter(text: str) -> str:
    """The candidate that splits the first records into the same number (> 1) of fields most often."""
    best: tuple[int, int, int] | None = None
    chosen = ","
    for rank, delimiter in enumerate(DELIMITERS):
        counts = Counter(len(record) for record in _first_records(text, delimiter))
        if not counts:
            continue
        width, agreeing = counts.most_common(1)[0]
        if width < 2:
            continue
        score = (agreeing, width, -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    lines = io.StringIO(text, newline="")
    records = []
    try:
        for record in csv.reader(lines, delimiter=delimiter, strict=False):
            records.append(record)
            if len(records) == SNIFFED_RECORDS:
                break
    except csv.Error:
        pass
    # The last record of a head may be cut short; it does not vote.
    return records[:-1] if len(records) > 1 else records


def unique_headers(raw: list[str]) -> tuple[list[str], list[HeaderRename]]:
    """The header with blank names given one (`column_3`) and repeats numbered (`Price (2)`)."""
    headers: list[str] = []
    renamed: list[HeaderRename] = []
    for index, original in enumerate(raw, start=1):
        base = original if original.strip() else f"column_{index}"
        name, copy = base, 1
        while name in headers:
            copy += 1
            name = f"{base} ({copy})"
        headers.append(name)
        if name != original:
            reason = "blank header" if base != original else "repeated header"
            renamed.append(HeaderRename(index, original, name, reason))
    return headers, renamed


@dataclass(frozen=True)
class CsvHead:
    """What the head of a file tells: its format, and its first complete data records."""

    csv_format: CsvFormat
    records: list[list[str]]


def read_head(head: bytes, complete: bool, limit: int) -> CsvHead:
    """Format and up to `limit` data records of a file from its head (`complete`: the whole file);
    a CsvFormatError for what is no CSV. A record the head cuts short is left out."""
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CsvFormatError("the file is empty")
    encoding = detect_encoding(head, complete)
    text = head.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header = next(reader, [])
    if not any(name.strip() for name in header):
        raise CsvFormatError("the first line (the header) names no column")
    records = [record for record in islice(reader, limit + 1) if record]
    if not complete and len(records) <= limit:
        records = records[:-1]
    if not records:
        raise CsvFormatError("the file has a header but no data rows")
    headers, renamed = unique_headers(header)
    return CsvHead(CsvFormat(encoding, delimiter, headers, renamed), records[:limit])
