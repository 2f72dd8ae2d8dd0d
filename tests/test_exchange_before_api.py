"""A warehouse built before the data-exchange API has none of its tables (api_*, made when `python -m api` first
starts): the page Kết nối, chia sẻ still shows what was received and says nothing was sent yet, and a reader asking
for the sent-out cube (the CLI, Explore) is told plainly that nothing is stored yet — never a database traceback."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from semantic.__main__ import main as cli_main
from tests import intake_support as s
from tests.monitoring_support import using
from warehouse.db import reset_shared

ROOT = Path(__file__).resolve().parent.parent
API_TABLES = ("api_request", "api_subscription", "api_delivery")


@pytest.fixture(scope="module")
def old_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"duckdb://{tmp_path_factory.mktemp('before-api') / 'w.duckdb'}"
    wh, _ = s.build(url)
    # as built before the API existed (another test may have registered its tables, so that ensure_schema made them)
    with wh.transaction() as con:
        for name in API_TABLES:
            con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
    assert not set(API_TABLES) & wh.tables()
    wh.close()
    yield url
    reset_shared()


def test_the_connections_page_says_nothing_was_sent_yet(old_url):
    with using(old_url):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["persona"] = "leader"
        at.run()
        at.switch_page("pages/exchange.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Kết nối, chia sẻ"
    assert len(at.dataframe) == 1  # what was received: one row per information group
    assert any(i.value == "Chưa có lần gửi nào trong tháng." for i in at.info)


def test_a_reader_of_the_sent_out_cube_is_told_nothing_is_stored_yet(old_url):
    out, err = io.StringIO(), io.StringIO()
    with using(old_url), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["query", "--view", "exchange_sent", "--measures", "attempts", "--persona", "leader"])
    assert code != 0
    message = err.getvalue()
    assert "nothing is stored in this warehouse yet" in message or "chưa có dữ liệu này" in message, message
    assert "api_delivery" in message and "Traceback" not in message and "Catalog" not in message
