"""Compact storage of a large published table: how `observations` (millions of rows) is held in
memory, and how it is read from its Parquet file.

Text columns become categoricals with sorted categories (1-2 bytes a row), whole numbers the
smallest integer type, floats float32 when every value converts exactly (so compare and sum them
as float64), and a column with a distinct text per row (`source_ref`, the largest by far) is split
into a categorical prefix and the row number it ends with, so any row's text is rebuilt on demand
(`SplitText`). Columns are read one at a time and row group by row group, so loading never holds
the whole table in Arrow form; Arrow's unused memory is handed back to the system as it goes.
Figures in bench/scale.py and docs/DEPLOY.md.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from etl.contract import TABLES

DIGITS = "0123456789"
MAX_DIGITS = 9  # trailing numbers up to 999,999,999 fit an int32


class SplitText:
    """A text column as (prefix code, trailing number): 'MIGR_X file.csv row 576' -> ('MIGR_X file.csv row ', 576).

    A text without a trailing number (or with a leading zero, or a longer one) is kept whole as
    its own prefix, with number -1, so every text is rebuilt exactly.
    """

    def __init__(self, prefixes: pa.Array, codes: np.ndarray, numbers: np.ndarray):
        self.prefixes, self.codes, self.numbers = prefixes, codes, numbers

    @property
    def nbytes(self) -> int:
        return self.codes.nbytes + self.numbers.nbytes + self.prefixes.nbytes

    @staticmethod
    def split(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
        """(prefix texts, trailing numbers or -1) of one batch."""
        prefix = pc.utf8_rtrim(texts, characters=DIGITS)
        start = np.asarray(pc.binary_length(prefix).fill_null(0), dtype=np.int64)
        length = np.asarray(pc.binary_length(texts).fill_null(0), dtype=np.int64) - start
        wide = pa.types.is_large_string(texts.type)
        offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64 if wide else np.int32)[
            texts.offset:texts.offset + len(texts) + 1].astype(np.int64)
        buffer = texts.buffers()[2]
        data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None and buffer.size else np.zeros(1, np.uint8)
        first = offsets[:-1] + start
        last_byte = max(len(data) - 1, 0)
        numbers = np.zeros(len(texts), dtype=np.int64)
        for k in range(MAX_DIGITS):
            digit = data[np.minimum(first + k, last_byte)].astype(np.int64) - 48
            numbers = np.where(length > k, numbers * 10 + digit, numbers)
        leading_zero = (length > 1) & (data[np.minimum(first, last_byte)] == 48)
        whole = (length == 0) | (length > MAX_DIGITS) | leading_zero | np.asarray(pc.is_null(texts))
        numbers = np.where(whole, -1, numbers).astype(np.int32)
        prefix = pc.if_else(pa.array(whole), texts, prefix)
        return prefix, numbers

    def encode(self, text: str) -> tuple[int, int] | None:
        """(prefix code, number) of a text as rows hold it; None when no row has its prefix."""
        prefix, numbers = self.split(pa.array([text], pa.string()))
        if "lookup" not in self.__dict__:
            self.lookup = {p: i for i, p in enumerate(self.prefixes.to_pylist())}
        code = self.lookup.get(prefix[0].as_py())
        return None if code is None else (code, int(numbers[0]))

    def order_keys(self, positions: np.ndarray, ascending: bool) -> np.ndarray | None:
        """Keys that order rows `positions` as their texts sort (empty cells last), without the texts.

        Within one prefix, digit strings sort as (digits padded to 9 with zeros, length); across
        prefixes, by the prefixes — unless one prefix begins another (then None: sort the texts).
        """
        if "ranks" not in self.__dict__:
            names = self.prefixes.to_pylist()
            ordered = sorted(range(len(names)), key=names.__getitem__)
            nested = any(names[b].startswith(names[a]) for a, b in zip(ordered, ordered[1:]))
            ranks = np.empty(len(names), dtype=np.int64)
            ranks[ordered] = np.arange(len(names))
            self.ranks = None if nested or len(names) > 9 * 10**8 else ranks
        if self.ranks is None:
            return None
        codes = self.codes[positions]
        numbers = self.numbers[positions].astype(np.int64)
        length = np.where(numbers < 0, 0, np.floor(np.log10(np.maximum(numbers, 1))).astype(np.int64) + 1)
        padded = np.where(numbers < 0, 0, numbers * 10 ** (MAX_DIGITS - length))
        keys = (self.ranks[np.maximum(codes, 0)] * 10**MAX_DIGITS + padded) * 10 + length
        return np.where(codes < 0, np.iinfo(np.int64).max, keys if ascending else -keys)

    def take(self, positions: np.ndarray) -> pa.Array:
        """The texts of rows `positions` (nulls where the published cell is empty)."""
        codes = self.codes[positions]
        numbers = self.numbers[positions]
        prefix = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), self.prefixes).cast(pa.string())
        digits = pc.if_else(pa.array(numbers >= 0), pc.cast(pa.array(numbers), pa.string()), pa.scalar("", pa.string()))
        return pc.binary_join_element_wise(prefix, digits, "")


@dataclass
class Compact:
    """How a compactly held table maps back to its published form."""
    name: str
    columns: list[str]                    # published column order
    dtypes: dict                          # published pandas dtypes of the columns held in the frame
    types: dict                           # published Arrow types
    split: dict[str, SplitText]           # columns rebuilt on demand
    ordered: bool = False                 # rows in the declared sort order, no two tied (see _declared_order)
    categories: dict = field(default_factory=dict)   # column -> its categories as Arrow (made on first use)

    def restore(self, part: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
        """Rows of the compact frame (any selection, index = row numbers) as published: every
        column, or `columns` — built as Arrow in the published types and converted like a read."""
        out = self.arrow(part, columns).to_pandas()
        out.index = part.index
        return out

    def arrow(self, part: pd.DataFrame, columns: list[str] | None = None) -> pa.Table:
        """The same rows as an Arrow table in the published types (to add rows to before converting)."""
        positions = np.asarray(part.index, dtype=np.int64)
        names = columns or self.columns
        arrays = []
        for name in names:
            if name in self.split:
                arrays.append(self.split[name].take(positions))
                continue
            column = part[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                codes = column.array.codes
                if name not in self.categories:
                    self.categories[name] = pa.array(column.cat.categories.astype(object), self.types[name])
                arrays.append(pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0),
                                                             self.categories[name]).cast(self.types[name]))
            else:
                arrays.append(pa.array(column.to_numpy(), from_pandas=True).cast(self.types[name]))
        return pa.Table.from_arrays(arrays, names=list(names))

    def texts(self, name: str, positions: np.ndarray) -> pd.Series:
        """One split column for rows `positions`, as published."""
        return pd.Series(self.split[name].take(np.asarray(positions, dtype=np.int64)).to_pandas(), dtype="str")


def load_compact(path: Path, name: str, split: tuple[str, ...]) -> tuple[pd.DataFrame, Compact]:
    """A published table held compactly (see the module notes), read one column at a time."""
    schema = pq.read_schema(path)
    texts = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    handle = pq.ParquetFile(path, read_dictionary=[c for c in texts if c not in split], pre_buffer=False)
    published = {f.name: _published_dtype(f.type) for f in schema}
    columns, rebuilt = {}, {}
    for column in schema.names:
        if column in split:
            rebuilt[column] = _read_split(handle, column)
        elif column in texts:
            columns[column] = _read_categorical(handle, column)
        elif pa.types.is_float64(schema.field(column).type):
            series = _read_float(handle, column)
        elif not pa.types.is_integer(schema.field(column).type) or (series := _read_narrow(handle, column)) is None:
            series = handle.read(columns=[column]).column(0).to_pandas()    # as they are
        if column not in rebuilt and column not in columns:
            columns[column] = series
        pa.default_memory_pool().release_unused()
    frame = pd.DataFrame(columns, copy=False)
    frame.index = pd.RangeIndex(len(frame))
    return frame, Compact(name, list(schema.names), published, {f.name: f.type for f in schema}, rebuilt,
                          _declared_order(frame, TABLES.get(name)))


def _declared_order(frame: pd.DataFrame, table) -> bool:
    """Whether the rows are in the table's declared sort order with no two tied (the key is part of
    it): etl.publish writes them so; checked once, then the API's default order needs no sort."""
    def orderable(column: str) -> bool:   # text codes or whole numbers: never empty-and-unordered
        return column in frame and (isinstance(frame[column].dtype, pd.CategoricalDtype)
                                    or frame[column].dtype.kind in "iu")

    if table is None or not table.sort or not set(table.key) <= set(table.sort) or not all(map(orderable, table.sort)):
        return False

    def keys(column: str, start: int, stop: int) -> np.ndarray:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):       # codes in text order, empty (-1) last
            codes = series.array.codes[start:stop]
            if (codes < 0).any():
                codes = codes.astype(_smallest_int(-1, len(series.cat.categories)))
                codes[codes < 0] = len(series.cat.categories)
            return codes
        return series.to_numpy()[start:stop]

    block = 1 << 20                                             # a block at a time: small temporaries
    for start in range(0, max(len(frame) - 1, 0), block):
        stop = min(start + block + 1, len(frame))               # overlapping by one row
        decided = np.zeros(stop - start - 1, dtype=bool)        # row i-1 < row i settled already
        for column in table.sort:
            values = keys(column, start, stop)
            before, after = values[:-1], values[1:]
            if np.any(~decided & (before > after)):
                return False
            decided |= before < after
        if not decided.all():
            return False
    return True


def _read_categorical(handle: pq.ParquetFile, column: str) -> pd.Series:
    """A text column as a categorical with its categories in text order, read row group by row
    group into one array of codes (never the whole column as Arrow at once)."""
    lookup: dict[str, int] = {}
    codes = np.empty(handle.metadata.num_rows, dtype=np.int8)
    start = 0
    for group in range(handle.num_row_groups):
        for chunk in handle.read_row_group(group, columns=[column]).column(0).chunks:
            if not isinstance(chunk, pa.DictionaryArray):
                chunk = pc.dictionary_encode(chunk)
            local = np.asarray([lookup.setdefault(v, len(lookup)) for v in chunk.dictionary.to_pylist()] + [-1],
                               dtype=np.int32)
            if len(lookup) > np.iinfo(codes.dtype).max:
                codes = codes.astype(_smallest_int(-1, len(lookup)))
            indices = np.asarray(chunk.indices.fill_null(-1), dtype=np.int32)
            codes[start:start + len(chunk)] = local[indices]
            start += len(chunk)
        pa.default_memory_pool().release_unused()
    names = list(lookup)
    order = sorted(range(len(names)), key=names.__getitem__)
    if order != list(range(len(names))):      # renumber so that codes follow the text order
        rank = np.empty(len(names) + 1, dtype=codes.dtype)
        rank[order] = np.arange(len(names))
        rank[-1] = -1
        for at in range(0, len(codes), 1 << 20):
            codes[at:at + (1 << 20)] = rank[codes[at:at + (1 << 20)]]
    categories = pd.Index([names[i] for i in order], dtype="str" if names else object)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), name=column)


def _read_narrow(handle: pq.ParquetFile, column: str) -> pd.Series | None:
    """A whole-number column without empty cells, read into the smallest integer type its row
    groups' statistics allow; None when the statistics do not say."""
    index = handle.schema_arrow.get_field_index(column)
    low = high = None
    for group in range(handle.num_row_groups):
        stats = handle.metadata.row_group(group).column(index).statistics
        if stats is None or not stats.has_min_max or stats.null_count:
            return None
        low = stats.min if low is None else min(low, stats.min)
        high = stats.max if high is None else max(high, stats.max)
    out = np.empty(handle.metadata.num_rows, dtype=_smallest_int(low or 0, high or 0))
    start = 0
    for group in range(handle.num_row_groups):
        values = handle.read_row_group(group, columns=[column]).column(0).to_numpy()
        out[start:start + len(values)] = values
        start += len(values)
    return pd.Series(out, name=column)


def _read_float(handle: pq.ParquetFile, column: str) -> pd.Series:
    """A float64 column as float32 when every value converts exactly (counts up to 2**24, halves…),
    else as float64; read row group by row group. Compare and sum such values as float64."""
    out = np.empty(handle.metadata.num_rows, dtype=np.float32)
    start = 0
    for group in range(handle.num_row_groups):
        values = handle.read_row_group(group, columns=[column]).column(0).to_numpy()
        if out.dtype == np.float32:
            narrow = values.astype(np.float32)
            if not np.array_equal(narrow.astype(np.float64), values, equal_nan=True):
                out = out.astype(np.float64)        # not exact: keep every value as published
        out[start:start + len(values)] = values
        start += len(values)
    return pd.Series(out, name=column)


def _smallest_int(low: int, high: int):
    return next(t for t in (np.int8, np.int16, np.int32, np.int64)
                if np.iinfo(t).min <= low and high <= np.iinfo(t).max)


def _published_dtype(arrow_type):
    """The pandas dtype `pq.read_table(...).to_pandas()` gives a column of this Arrow type."""
    return pa.array([], arrow_type).to_pandas().dtype


def _read_split(handle: pq.ParquetFile, column: str) -> SplitText:
    prefixes: dict[str, int] = {}
    rows = handle.metadata.num_rows
    codes = np.empty(rows, dtype=np.int8)
    numbers = np.empty(rows, dtype=np.int32)
    start = 0
    for group in range(handle.num_row_groups):
        values = handle.read_row_group(group, columns=[column]).column(0).combine_chunks()
        prefix, number = SplitText.split(values)
        encoded = pc.dictionary_encode(prefix)
        local = np.asarray([prefixes.setdefault(p, len(prefixes)) for p in encoded.dictionary.to_pylist()] + [-1],
                           dtype=np.int64)
        if len(prefixes) > np.iinfo(codes.dtype).max:
            codes = codes.astype(_smallest_int(-1, len(prefixes)))
        stop = start + len(values)
        codes[start:stop] = local[np.asarray(encoded.indices.fill_null(-1), dtype=np.int64)]
        numbers[start:stop] = number
        start = stop
        del values, prefix, encoded, number
        trim()                    # texts are the bulk of the file: hand each batch's memory back
    return SplitText(pa.array(list(prefixes), pa.string()), codes, numbers)


def trim() -> None:
    """Hand memory freed after loading back to the system (Arrow's pool, then glibc's heap)."""
    global _libc
    pa.default_memory_pool().release_unused()
    try:
        _libc = _libc or ctypes.CDLL("libc.so.6")
        _libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        _libc = None


_libc = None
