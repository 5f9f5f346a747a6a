"""What funders read: figures frozen by the latest publication of each school year.

A publication (see synthesis.publish) stores, besides the summary's tables, every figure of the
year as a funder may see it (accepted data only). Funders' views read these frozen figures, so
that a figure they saw does not change under them (a later acceptance, a partner's new upload
superseding a value) until the evaluation team publishes the year again.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa

from indicators.store.database import Store

FROZEN = ("figures", "collective", "contributions")  # progress and collective figures, and
# what each organisation adds to each figure (disclosure control needs it)
PROTECTED = "funders_protected"  # the year's figures as funders see them, protected once, when
# the year is published (see `funders_protected`)


_FROZEN: dict[tuple[str, str], tuple[str, Any]] = {}  # see `_latest_tables`
_FROZEN_GUARD = threading.Lock()
T = TypeVar("T")


def _latest_tables(store: Store, name: str, read: Callable[[pd.DataFrame], T]) -> T:
    """`read` of the rows of `frozen_tables` for the table `name` (its payload in each
    published school year's latest publication), kept until the next publication: reading
    the payloads again took seconds per call at 56 k observations."""
    latest = str(store.query("last_publication").iloc[0].tolist())
    key = (str(store.path.resolve()), name)
    with _FROZEN_GUARD:
        kept = _FROZEN.get(key)
    if kept is not None and kept[0] == latest:
        found: T = kept[1]
        return found
    found = read(store.query("frozen_tables", table=name))
    with _FROZEN_GUARD:
        _FROZEN[key] = (latest, found)
    return found


def frozen(store: Store, name: str, live: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The frozen table `name` of every published school year; when nothing is published, an
    empty table with the columns of `live()` (the same table computed now). A copy is
    returned."""

    def read(rows: pd.DataFrame) -> pd.DataFrame | None:
        frames = [thawed(str(p)) for p in rows["payload"]]
        return pd.concat(frames, ignore_index=True) if frames else None

    frame = _latest_tables(store, name, read)
    return live().iloc[0:0].copy() if frame is None else frame.copy()


def payload(frame: pd.DataFrame) -> str:
    """A table as it is frozen (JSON, split orientation)."""
    return frame.to_json(orient="split", date_format="iso")


def thawed(text: str) -> pd.DataFrame:
    """A table frozen by `payload`, as funders' views read it."""
    return pd.read_json(io.StringIO(text), orient="split")


def packed(frame: pd.DataFrame, stamp: Sequence[str]) -> str:
    """`frame` with the definition `stamp` it was computed under, as a publication's table:
    Arrow (zstd) in base64 behind a JSON header. Its columns' types and values come back as
    they are (JSON would round figures to ten digits and guess types), and at 10 M observations
    a million figures read in a fraction of a second instead of tens of seconds."""
    return _packed(pa.Table.from_pandas(frame, preserve_index=False), stamp)


def packed_each(frames: Sequence[pd.DataFrame]) -> list[str]:
    """`packed` of each of `frames` (with no stamp), which have the same columns: converted to
    Arrow together, once (each frame's conversion costs about 2 ms, whatever its size)."""
    if not frames:
        return []
    table = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
    out, start = [], 0
    for frame in frames:
        out.append(_packed(table.slice(start, len(frame)), ()))
        start += len(frame)
    return out


def _packed(table: pa.Table, stamp: Sequence[str]) -> str:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    data = base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")
    return json.dumps({"stamp": list(stamp), "arrow": data})


def unpacked(text: str) -> tuple[tuple[str, ...], pd.DataFrame]:
    """The stamp and the table `packed` wrote."""
    stamp, table = _unpacked(text)
    return stamp, table.to_pandas()


def unpacked_each(texts: Sequence[str]) -> list[pd.DataFrame]:
    """The tables `packed_each` wrote (their stamps left out), converted to pandas together."""
    if not texts:
        return []
    tables = [_unpacked(text)[1] for text in texts]
    whole = pa.concat_tables(tables, promote_options="permissive").to_pandas()
    out, start = [], 0
    for table in tables:
        out.append(whole.iloc[start : start + table.num_rows].reset_index(drop=True))
        start += table.num_rows
    return out


def _unpacked(text: str) -> tuple[tuple[str, ...], pa.Table]:
    found = json.loads(text)
    with pa.ipc.open_stream(pa.BufferReader(base64.b64decode(found["arrow"]))) as reader:
        table = reader.read_all()
    return tuple(str(s) for s in found["stamp"]), table


def funders_protected(store: Store, stamp: Sequence[str]) -> pd.DataFrame | None:
    """The figures funders see, as the latest publication of each school year protected them
    (`PROTECTED`), when every published year has them and made them under the definition
    `stamp` (the rules, places and threshold now); None otherwise: the caller protects the
    frozen figures itself (a publication older than these tables, a definition changed since).

    Protection works piece by piece (an indicator's school year; see progress.protected), so
    each year's, made when it was published from the figures frozen then, is what protecting
    every published year at once gives. A copy is returned."""

    def read(rows: pd.DataFrame) -> tuple[set[tuple[str, ...]], pd.DataFrame] | None:
        if rows.empty or len(rows) != store.query("publications")["period"].nunique():
            return None
        made = [unpacked(str(text)) for text in rows["payload"]]
        return {s for s, _ in made}, pd.concat([f for _, f in made], ignore_index=True)

    found = _latest_tables(store, PROTECTED, read)
    if found is None or found[0] != {tuple(str(s) for s in stamp)}:
        return None
    return found[1].copy()
