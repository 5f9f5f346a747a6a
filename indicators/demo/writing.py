"""The demo's files written by processes of their own, while the build sends the first ones.

Run as `python -m indicators.demo.writing FOLDER SCALE TODAY OUT SHARE SHARES` by `build`: it
plans the demo of the definition in FOLDER as `writers.plan_demo` does, writes under OUT the files
of the SHARE-th of SHARES shares of the organisations (`writers.write_demo_files`) and prints the
index of each file in the plan once it is written, one per line. The bytes are those that
`generate_demo` writes: every file is drawn from generators seeded by its organisation and name.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from indicators.definition.loading import load_definition
from indicators.demo.writers import plan_demo, write_demo_files


def main(argv: list[str]) -> int:
    folder, scale, today, out, share, shares = argv
    definition = load_definition(Path(folder))
    planned = plan_demo(
        definition, Path(out), scale=float(scale), today=dt.date.fromisoformat(today)
    )

    def written(index: int) -> None:
        print(index, flush=True)

    write_demo_files(definition, planned, (int(share), int(shares)), written)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
