"""An upload read back as CSV records, chunk by chunk, with the line each record starts on.

The records are read in a worker thread (parsing is CPU work) while the event loop writes the
previous batch; the thread takes each chunk from the loop (`ChunkStream`). Bytes the detected
encoding cannot decode are kept as lone surrogates (`surrogateescape`), so that the rows holding
them are reported, by line and column, instead of stopping the file.
"""

import csv
import io
from collections.abc import Callable, Iterator
from typing import NamedTuple

from pim_api.imports.csv_format import CsvFormat


class ChunkStream(io.RawIOBase):
    """The bytes of chunks 0 … count-1 in order, each got from `fetch(seq)` when first needed."""

    def __init__(self, fetch: Callable[[int], bytes], count: int) -> None:
        self._fetch = fetch
        self._count = count
        self._next_seq = 0
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        while not self._pending and self._next_seq < self._count:
            self._pending = memoryview(self._fetch(self._next_seq))
            self._next_seq += 1
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class Record(NamedTuple):  # a tuple: a million of them are made per million rows
    line: int  # where the record starts (the header is line 1)
    cells: list[str]
    problem: str | None = None  # the record could not be read as CSV: why


def records(stream: io.RawIOBase, csv_format: CsvFormat) -> Iterator[Record]:
    """The data records after the header; blank lines are no records."""
    text = io.TextIOWrapper(
        io.BufferedReader(stream, 1 << 20), encoding=csv_format.encoding, errors="surrogateescape", newline=""
    )
    reader = csv.reader(text, delimiter=csv_format.delimiter, strict=False)
    next(reader, None)
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a field over the csv module's size limit; the reader goes on
            yield Record(line, [], f"not readable as CSV: {error}")
        else:
            if cells:
                yield Record(line, cells)
        line = reader.line_num + 1
