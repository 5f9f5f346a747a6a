"""The demo initiative, built the way a real one is: its partners' habits (`habits`), the
workbooks they write (`writers`), and the build that sends every file through the real ingest
(`build`). What the app, the command line and the tests use is named here.

The names of `build` are imported when first used: the processes that write the demo's files
(`writing`) import only the writers, not the ingest, the store and their libraries."""

from typing import TYPE_CHECKING

from indicators.demo.habits import DEMO_TODAY, LAYOUTS, READ_AS, DemoFile

if TYPE_CHECKING:
    from indicators.demo.build import (
        ACCEPTED_BEFORE,
        BUILD_ENV,
        DEMO_PASSWORD,
        DemoError,
        DemoSummary,
        build_demo,
        demo_accounts,
        demo_loading,
        demo_progress,
        demo_unfinished,
        demo_wanted,
        ensure_demo_store,
        generate_demo,
        start_demo_store,
    )

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
    "demo_loading",
    "demo_progress",
    "demo_unfinished",
    "demo_wanted",
    "ensure_demo_store",
    "generate_demo",
    "start_demo_store",
]
_FROM_BUILD = set(__all__) - {"DEMO_TODAY", "LAYOUTS", "READ_AS", "DemoFile"}


def __getattr__(name: str) -> object:
    if name in _FROM_BUILD:
        from indicators.demo import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
