"""A differencing attack on the demo store: how many hidden figures each demo partner account
and the funder can work out from what the app shows them, family by family.

    uv run python scripts/attack_disclosure.py --db /tmp/conf-demo.duckdb

The same code as tests/test_disclosure.py (indicators/attack.py, indicators/disclosure.py).
For each family (indicators/attack.FAMILIES): the figures the viewer is told are hidden, those
of them it can derive ("dériv."), derived exactly ("="), and the figures the primary rules
hide from it that it reads or derives anyway ("exposés").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.access import accounts
from indicators.access.viewer import Viewer, command_line
from indicators.analytics.attack import FAMILIES, families
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
    print(f"{'compte':<12} {'famille':<12} {'masqués':>8} {'dériv.':>7} {'=':>5} {'exposés':>8}")
    for user in args.users:
        row = people.loc[user]
        organisation = row["organisation"] if row["role"] == "partner" else None
        viewer = Viewer(user, str(row["role"]), user, organisation)
        found = families(store, viewer, today)
        for name in FAMILIES:
            got = found[name]
            print(
                f"{user:<12} {name:<12} {got.hidden:>8} {len(got.derivable['all']):>7}"
                f" {len(got.exact['all']):>5} {len(got.exposed | got.direct):>8}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
