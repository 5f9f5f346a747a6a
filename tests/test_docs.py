"""The documentation as a contract: the README's commands and the data format stay true."""

from __future__ import annotations

import re

from indicators.cli import EXIT_OK, EXIT_REFUSED, EXIT_STORE, EXIT_USAGE
from indicators.definition.loading import CSV_COLUMNS, FILES
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
DATA_README = (PROJECT / "data" / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_newcomer_commands() -> None:
    block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert block is not None and README.index("```bash") < 40
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["uv run streamlit run serve.py", "uv run pytest"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == "uv run pytest"


def test_readme_documents_every_exit_code() -> None:
    for code in (EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORE):
        assert f"| {code} |" in README


def test_data_readme_gives_the_exact_csv_columns() -> None:
    for key, columns in CSV_COLUMNS.items():
        assert f"`{','.join(columns)}`" in DATA_README, FILES[key]


def test_readme_lists_the_demo_accounts_and_their_password() -> None:
    from indicators.definition.loading import load_definition
    from indicators.demo import DEMO_PASSWORD, demo_accounts

    assert f"`{DEMO_PASSWORD}`" in README
    for username, _, _, name in demo_accounts(load_definition(PROJECT / "data")):
        assert f"| `{username}` |" in README and name in README
