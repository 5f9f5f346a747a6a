"""The demo initiative, built the way a real one is: its partners' habits (`habits`), the
workbooks they write (`writers`), and the build that sends every file through the real ingest
(`build`). What the app, the command line and the tests use is named here."""

from indicators.demo.build import (
    ACCEPTED_BEFORE,
    BUILD_ENV,
    DEMO_PASSWORD,
    DemoError,
    DemoSummary,
    build_demo,
    demo_accounts,
    demo_wanted,
    ensure_demo_store,
    generate_demo,
)
from indicators.demo.habits import DEMO_TODAY, LAYOUTS, READ_AS, DemoFile

__all__ = [
    "ACCEPTED_BEFORE",
    "BUILD_ENV",
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "LAYOUTS",
    "READ_AS",
    "DemoError",
    "DemoFile",
    "DemoSummary",
    "build_demo",
    "demo_accounts",
    "demo_wanted",
    "ensure_demo_store",
    "generate_demo",
]
