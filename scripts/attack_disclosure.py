"""A differencing attack on the demo store: how many hidden figures each demo partner account
and the funder can work out from what the app shows them, by kind of nest.

    uv run python scripts/attack_disclosure.py --db /tmp/conf-demo.duckdb

The same code as tests/test_disclosure.py (indicators/attack.py, indicators/disclosure.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.access import accounts
from indicators.access.disclosure import KINDS
from indicators.access.viewer import Viewer, command_line
from indicators.analytics.attack import attack
from indicators.store.database import Store

USERS = ("college", "entreprise", "association", "financeur")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/mesure.duckdb")
    parser.add_argument("--users", nargs="*", default=list(USERS))
    args = parser.parse_args()
    store = Store(args.db)
    today = store.clock().date()
    people = accounts.list_accounts(store, command_line()).set_index("username")
    print(f"{'compte':<12} {'masqués':>8} " + " ".join(f"{k:>14}" for k in (*KINDS, "all")))
    for user in args.users:
        row = people.loc[user]
        organisation = row["organisation"] if row["role"] == "partner" else None
        viewer = Viewer(user, str(row["role"]), user, organisation)
        found = attack(store, viewer, today)
        cells = " ".join(
            f"{len(found.derivable[k]):>6} ({len(found.exact[k]):>4} =)" for k in (*KINDS, "all")
        )
        print(f"{user:<12} {found.hidden:>8} {cells}   direct: {len(found.direct)}")
    print("(n (m =)): n hidden figures derivable, m of them derived exactly")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
