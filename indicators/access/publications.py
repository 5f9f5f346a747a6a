"""What funders read: figures frozen by the latest publication of each school year.

A publication (see synthesis.publish) stores, besides the summary's tables, every figure of the
year as a funder may see it (accepted data only). Funders' views read these frozen figures, so
that a figure they saw does not change under them (a later acceptance, a partner's new upload
superseding a value) until the evaluation team publishes the year again.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pandas as pd

from indicators.store.database import Store

FROZEN = ("figures", "collective", "contributions")  # progress and collective figures, and
# what each organisation adds to each figure (disclosure control needs it)


_FROZEN: dict[tuple[str, str], tuple[str, pd.DataFrame]] = {}  # see `frozen`
_FROZEN_GUARD = threading.Lock()


def frozen(store: Store, name: str, live: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The frozen table `name` of every published school year; when nothing is published, an
    empty table with the columns of `live()` (the same table computed now).

    Kept until the next publication (reading the tables' JSON again took seconds per call at
    56 k observations); a copy is returned."""
    latest = str(store.query("last_publication").iloc[0].tolist())
    key = (str(store.path.resolve()), name)
    with _FROZEN_GUARD:
        kept = _FROZEN.get(key)
    if kept is not None and kept[0] == latest:
        return kept[1].copy()
    rows = store.query("frozen_tables", table=name)
    frames = [pd.read_json(io.StringIO(str(p)), orient="split") for p in rows["payload"]]
    if not frames:
        return live().iloc[0:0].copy()
    frame = pd.concat(frames, ignore_index=True)
    with _FROZEN_GUARD:
        _FROZEN[key] = (latest, frame)
    return frame.copy()


def payload(frame: pd.DataFrame) -> str:
    """A table as it is frozen (JSON, split orientation)."""
    return frame.to_json(orient="split", date_format="iso")
