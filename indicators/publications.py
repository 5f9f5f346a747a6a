"""What funders read: figures frozen by the latest publication of each school year.

A publication (see synthesis.publish) stores, besides the summary's tables, every figure of the
year as a funder may see it (accepted data only). Funders' views read these frozen figures, so
that a figure they saw does not change under them (a later acceptance, a partner's new upload
superseding a value) until the evaluation team publishes the year again.
"""

from __future__ import annotations

import io

import pandas as pd

from indicators.store import Store

FROZEN = ("figures", "collective")  # progress figures, collective figures


def frozen(store: Store, name: str, like: pd.DataFrame) -> pd.DataFrame:
    """The frozen table `name` of every published school year, with the columns of `like`
    (empty when nothing is published)."""
    rows = store.query("frozen_tables", table=name)
    frames = [pd.read_json(io.StringIO(str(p)), orient="split") for p in rows["payload"]]
    if not frames:
        return like.iloc[0:0].copy()
    return pd.concat(frames, ignore_index=True)[list(like.columns)]


def payload(frame: pd.DataFrame) -> str:
    """A table as it is frozen (JSON, split orientation)."""
    return frame.to_json(orient="split", date_format="iso")
