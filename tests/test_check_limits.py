"""What a check may cost (issue 11, item 8): declared limits on bytes, a workbook's unpacked size, rows and problems
kept, checked before the work they bound, with a clear message; the upload page's check runs in a worker process,
off the Streamlit script thread, so one upload cannot stall the other sessions."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from connectors.__main__ import main
from connectors.intake import connector_for, load
from connectors.tasks.task_intake import load_task_file
from semantic.errors import LoadRejected
from semantic.scope import Scope
from tests import intake_support as s
from warehouse.schema import table

ROOT = Path(__file__).resolve().parent.parent
HEAD = "indicator_code,area_code,period,value\n"


@pytest.fixture
def wh(intake_wh):
    return intake_wh


def _load(wh, data: bytes, name: str = "f.csv", **kw):
    kw.setdefault("scope", Scope.system())
    return load(connector_for(data, name, "GSO"), wh, "t", registry=s.registry(), today=date(2025, 6, 1), **kw)


def _nothing_written(wh) -> bool:
    return s.count(wh, "observation") == 0 and s.count(wh, "load_batch") == 0


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(wh, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DIEUHANH_MAX_UPLOAD_BYTES", "1000")
    data = (HEAD + "RETAIL,VN,2025-01,1\n" * 100).encode()
    size = f"{len(data):,} bytes"
    with pytest.raises(LoadRejected, match=size + r".*limit 1,000 bytes.*DIEUHANH_MAX_UPLOAD_BYTES"):
        _load(wh, data)
    assert _nothing_written(wh)
    # the command line: exit 1 ("data rejected") with the message, no traceback
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    monkeypatch.setenv("DIEUHANH_DB", wh.url)
    assert main(["load", str(path), "--source", "GSO", "--registry", str(s.REGISTRY_DIR)]) == 1
    err = capsys.readouterr().err
    assert f"error: big.csv: the file is {size}" in err and "Traceback" not in err
    with pytest.raises(LoadRejected, match="bytes"):
        load_task_file(wh, data, "nv.csv", "t", scope=Scope.system())


def _bomb(unpacked: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * unpacked)
    return buf.getvalue()


def test_a_workbook_that_unpacks_past_the_limit_is_refused_without_unpacking_it(wh, monkeypatch):
    monkeypatch.setenv("DIEUHANH_MAX_UNPACKED_BYTES", "10000000")
    data = _bomb(50_000_000)
    assert len(data) < 100_000  # 50 MB of zeros in under 100 KB
    started = time.perf_counter()
    with pytest.raises(LoadRejected, match=r"unpacks to 50,000,008 bytes.*limit 10,000,000"):
        _load(wh, data, "bomb.xlsx")
    with pytest.raises(LoadRejected, match="unpacks to"):
        load_task_file(wh, data, "bomb.xlsx", "t", scope=Scope.system())
    assert time.perf_counter() - started < 2.0
    assert _nothing_written(wh)


def test_a_file_over_the_row_limit_is_refused_before_it_is_checked(wh, monkeypatch):
    monkeypatch.setenv("DIEUHANH_MAX_ROWS", "1000")
    rows = "".join(f"RETAIL,VN,{2000 + i // 12}-{i % 12 + 1:02d},{i}\n" for i in range(1001))
    with pytest.raises(LoadRejected, match=r"1,001 rows.*limit 1,000.*DIEUHANH_MAX_ROWS"):
        _load(wh, (HEAD + rows).encode())
    assert _nothing_written(wh)
    assert _load(wh, (HEAD + rows.split("\n", 1)[1]).encode(), dry_run=True).outcome == "checked"


def test_the_check_stops_at_the_problem_limit_and_refuses_the_whole_file(wh, monkeypatch):
    monkeypatch.setenv("DIEUHANH_MAX_PROBLEMS", "100")
    bad = "".join(f"RETAIL,VN,2025-{i % 12 + 1:02d},x{i}\n" for i in range(20_000))
    data = (HEAD + "RETAIL,VN,2024-01,5\n" + bad).encode()
    started = time.perf_counter()
    report = _load(wh, data, accept_valid=True)
    elapsed = time.perf_counter() - started
    assert report.outcome == "rejected"
    assert len(report.problems) == 101
    first = report.problems[0]  # the file's own problem comes first (row 0)
    assert (first.row, first.rule) == (0, "too_many_problems")
    assert "100" in first.message_en and "DIEUHANH_MAX_PROBLEMS" in first.message_en
    assert _nothing_written(wh) and s.count(wh, "rejected_row") == 0  # not even with --accept-valid
    assert elapsed < 20, elapsed


def test_the_upload_check_runs_in_a_worker_process(wh):
    from connectors.worker import check_upload

    data = (HEAD + "RETAIL,VN,2025-01,5\n").encode()
    report, pid = check_upload(
        wh.url, data, "f.csv", "GSO", scope=Scope.system(), dry_run=True, registry_dir=s.REGISTRY_DIR
    )
    assert pid != os.getpid()
    assert (report.outcome, report.rows_valid) == ("checked", 1)
    report, _ = check_upload(wh.url, data, "f.csv", "GSO", scope=Scope.system(), registry_dir=s.REGISTRY_DIR)
    assert report.outcome == "loaded" and s.count(wh, "observation") == 1
    assert int(wh.execute(table("observation").value.sum())) == 5


def test_a_worker_started_inside_a_script_run_does_not_run_the_script(wh, tmp_path, monkeypatch):
    """Inside Streamlit, `__main__` is the page script being run: a spawned worker re-ran app.py and died
    (BrokenProcessPool) whenever the pool was first started from a page. Started here with such a `__main__`."""
    import sys
    import types

    from connectors import worker

    if worker._pool is not None:  # workers started by an earlier test would not be started again
        worker._pool.shutdown(wait=True)
        worker._pool = None
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(3)\n", encoding="utf-8")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    try:
        data = (HEAD + "RETAIL,VN,2025-01,5\n").encode()
        report, pid = worker.check_upload(wh.url, data, "f.csv", "GSO", scope=Scope.system(), dry_run=True,
                                          registry_dir=s.REGISTRY_DIR)  # fmt: skip
        assert pid != os.getpid() and report.outcome == "checked"
        assert not marker.exists()  # the worker never ran the script
        assert sys.modules["__main__"] is page  # and the script's module is back
    finally:
        worker._pool.shutdown(wait=True)
        worker._pool = None


def test_the_upload_pages_call_the_worker_not_the_check():
    for page in ("upload.py", "upload_tasks.py"):
        text = (ROOT / "pages" / page).read_text(encoding="utf-8")
        assert "connectors.worker" in text, page
        assert "import connector_for, load" not in text and "load_task_file(" not in text, page


def test_a_damaged_workbook_is_a_problem_not_a_traceback(wh):
    """A ZIP within the limits that holds no workbook: the file's problem, named, for observations and tasks."""
    data = _bomb(1_000)
    report = _load(wh, data, "hong.xlsx")
    assert report.outcome == "rejected"
    # an observation file is read by the workbook reader (python-calamine), which names a file it cannot open
    assert [(p.row, p.rule) for p in report.problems] == [(0, "unreadable")]
    tasks = load_task_file(wh, data, "hong.xlsx", "t", scope=Scope.system())
    assert tasks.outcome == "rejected" and [p.rule for p in tasks.problems] == ["workbook"]
    assert _nothing_written(wh)


#: an empty workbook has no canonical header, so it is read as a GSO workbook, which names no release month in it
@pytest.mark.parametrize(("name", "data", "rule"), [("empty.csv", b"", "empty"), ("empty.xlsx", None, "release_month")])
def test_an_empty_file_is_a_problem_not_a_traceback(wh, name, data, rule):
    if data is None:
        import openpyxl

        buf = io.BytesIO()
        openpyxl.Workbook().save(buf)
        data = buf.getvalue()
    report = _load(wh, data, name)
    assert report.outcome == "rejected"
    assert [(p.row, p.rule) for p in report.problems] == [(0, rule)]
    assert _nothing_written(wh)
