"""The real app in a real browser: `streamlit run app.py` (demo mode) on a free port, driven by Playwright in
Debian's headless Chromium. Every page for every demo persona renders without an exception; a CSV is downloaded
and checked; a screenshot per page is saved under artifacts/ (and, with DIEUHANH_UPDATE_DOCS=1, the overview's as
docs/screenshot-overview.png, which the README shows)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.monitoring_support import PERSONAS, real_warehouse_url
from tests.streamlit_support import streamlit_app
from warehouse.db import Warehouse
from warehouse.schema import table

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "pages"
CHROMIUM = os.environ.get("DIEUHANH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
EMPTY = "Chưa có số liệu trong phạm vi được xem."
#: DIEUHANH_UPDATE_DOCS=1 refreshes docs/screenshot-overview.png (committed; the README shows it)
UPDATE_DOCS = "DIEUHANH_UPDATE_DOCS"
SCREENSHOT_CLIP = {"x": 0, "y": 0, "width": 1400, "height": 1000}
#: url path -> a heading the page shows when it rendered (Vietnamese, demo mode): every page of the menu but the
#: access log (no demo persona may read it)
PAGES = {
    "tong-quan": "Tổng quan kinh tế",
    "hang-ngay": "Diễn biến hằng ngày",
    "hang-thang": "Tình hình kinh tế",
    "ke-hoach-nam": "Kế hoạch năm",
    "tinh-thanh": "Bản đồ tỉnh, thành phố",
    "du-bao": "Dự báo và kiểm định",
    "canh-bao": "Cảnh báo sớm",
    "nhiem-vu": "Nhiệm vụ Chính phủ",
    "chuong-trinh-du-an": "Chương trình mục tiêu quốc gia",
    "tinh-huong-khan-cap": "Tình huống khẩn cấp",
    "kham-pha": "Khám phá dữ liệu",
    "danh-muc": "Danh mục chỉ tiêu",
    "chat-luong-du-lieu": "Chất lượng dữ liệu",
    "tai-du-lieu": "Tải dữ liệu",
    "dieu-hanh-tinh-huong": "Điều hành tình huống theo kịch bản",
    "ket-noi-chia-se": "Kết nối, chia sẻ",
}
#: a laptop, a tablet with the sidebar open, a phone: every page for every persona at each, on one render per page
#: (the viewport is resized, widest first, rather than the page opened three times: the walk shares 2 cores)
WIDTHS = (1440, 1024, 390)
#: what must never reach a Vietnamese page: raw column names, Python's missing values, Streamlit's own English
FORBIDDEN = (
    r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"\bNaT\b", "period_start", "indicator_code", "area_code", "agency_code",
    r"\bname_vi\b", r"\bvintage\b", "Choose options", "Choose an option", "Select all", r"View \d+ more",
    "Deploy", "Page not found", "per file", "Drag and drop", "Browse files", r"\bestimate\b", "annual-plan",
    "percentage points", "per 10000", r"\d{4}-\d{2}-\d{2} 00:00:00",
)  # fmt: skip
#: pages walked but not scanned for words (none: Khám phá is scanned since its tables go through pages/present.py)
NOT_SCANNED: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_app(tmp_path_factory.mktemp("streamlit"), {"DIEUHANH_DB": real_warehouse_url()}) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", autouse=True)
def warm(app_url: str, browser) -> None:  # noqa: ANN001 - a Playwright browser
    """The server's first session runs Streamlit's pages/-folder mode until app.py calls st.navigation; a deep link
    opened first would show "Page not found". One visit to the root first, as a load balancer's check would do."""
    context = browser.new_context()
    _open(context.new_page(), f"{app_url}/?persona=leader")
    context.close()


#: resolves when the page is drawn and still: every Plotly chart has its SVG, every table its canvas, no skeleton
#: or spinner shows, and the layout's signature (height, the sidebar's place, KPI, chart and table sizes) is the same
#: over three checks 100 ms apart (at most ~10 s: then the page is measured as it is, and its checks say what is wrong)
DRAWN_AND_STILL = """async () => {
  const signature = () => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const tables = [...document.querySelectorAll('[data-testid="stDataFrame"]')];
    const busy = document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
    const ready = !busy && charts.every(c => c.querySelector('.main-svg'))
      && tables.every(t => t.querySelector('canvas, table'));
    const sizes = [...charts, ...tables, ...document.querySelectorAll('[data-testid="stMetricValue"]')]
      .map(e => `${e.clientWidth}x${e.clientHeight}`).join(',');
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    const side = document.querySelector('[data-testid="stSidebar"]');
    const r = side ? side.getBoundingClientRect() : {x: 0, width: 0};
    return ready ? `${main.scrollHeight}|${r.x},${r.width}|${sizes}` : null;
  };
  const tick = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)));
  let last = null, same = 0;
  for (let i = 0; i < 100 && same < 2; i++) {
    await tick();
    const now = signature();
    same = now !== null && now === last ? same + 1 : 0;
    last = now;
  }
}"""


def _still(page) -> None:  # noqa: ANN001 - a Playwright page
    """The script run has ended and the page has finished drawing (charts and tables draw after the run ends)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
    page.evaluate(DRAWN_AND_STILL)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)


def _open(page, url: str) -> None:  # noqa: ANN001 - a Playwright page
    page.goto(url, wait_until="domcontentloaded")
    _still(page)


def _no_exception(page, where: str) -> None:  # noqa: ANN001
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()}"
    assert page.get_by_text("Page not found").count() == 0, where


def _clipped(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    """KPI values and labels whose text is wider than their box (cut, or hidden behind an ellipsis)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, '
            + '[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *')]
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.innerText)"""
    )


def _forbidden(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    text = page.locator('[data-testid="stApp"]').inner_text()
    return [f"{p!r}: {m.group(0)!r} in …{text[max(m.start() - 60, 0) : m.end() + 60]}…"
            for p in FORBIDDEN for m in [re.search(p, text)] if m]  # fmt: skip


def _settled(page) -> None:  # noqa: ANN001 - a Playwright page
    """After a resize: the layout has reflowed (Streamlit's and Plotly's resize handlers have run and nothing moves)."""
    _still(page)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_renders_for_every_persona(app_url, browser, persona):
    """Each page renders, and at each width no KPI text is clipped and no raw name or English string shows; a
    screenshot per page and width is kept (artifacts/pages/<persona>/<width>/)."""
    # tall: Streamlit scrolls inside its own container, so a full-page shot is only as tall as the viewport
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 2000}, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    for width in WIDTHS:
        (ARTIFACTS / persona / str(width)).mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:
        for path, heading in PAGES.items():
            page.set_viewport_size({"width": WIDTHS[0], "height": 2000})
            # the default page lives at the root (Streamlit ignores a default page's url_path)
            _open(page, f"{app_url}/{'' if path == 'tong-quan' else path}?persona={persona}")
            _no_exception(page, f"{persona} {path}")
            if persona == "none":
                assert page.get_by_text("chưa được cấp quyền xem dữ liệu").first.is_visible()
            else:
                assert page.get_by_role("heading", name=heading).first.is_visible(), f"{persona} {path}"
            if path == "tinh-thanh" and persona != "none":
                # the map is drawn with the archipelagos on it, or the scope holds no provincial data (empty state)
                drawn = page.locator("svg text", has_text="Quần đảo Hoàng Sa").or_(page.get_by_text(EMPTY))
                drawn.first.wait_for(timeout=60_000)
                if not page.get_by_text(EMPTY).count():
                    for label in ("Quần đảo Hoàng Sa", "Quần đảo Trường Sa"):
                        page.locator("svg text", has_text=label).first.wait_for(timeout=60_000)
            for width in WIDTHS:
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": 2000})
                    _settled(page)
                page.screenshot(path=str(ARTIFACTS / persona / str(width) / f"{path}.png"), full_page=True)
                problems += [f"{path} @{width}: clipped {t!r}" for t in _clipped(page)]
                if path not in NOT_SCANNED:
                    problems += [f"{path} @{width}: {hit}" for hit in _forbidden(page)]
                if persona == "leader" and path == "tong-quan" and width == 1440:
                    page.screenshot(path=str(ARTIFACTS / "screenshot-overview.png"), clip=SCREENSHOT_CLIP)
                    if os.environ.get(UPDATE_DOCS) == "1":  # the README's picture changes only when asked to
                        page.screenshot(path=str(ROOT / "docs" / "screenshot-overview.png"), clip=SCREENSHOT_CLIP)
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_the_menu_is_the_app_s_own_and_fits_the_role(app_url, browser):
    """Streamlit's raw pages/ list never shows; a leader without upload rights has no Tải dữ liệu in the menu, a
    province's staff have it; no call leaves the machine (no usage metrics)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1200})
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(app_url) and r.url.startswith("http") else None,
    )
    try:
        _open(page, f"{app_url}/?persona=leader")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_role("link", name="Tổng quan").count() == 1
        assert sidebar.get_by_role("link", name="Tải dữ liệu").count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # not Streamlit's list: ours
        assert "audit" not in sidebar.inner_text() and "upload" not in sidebar.inner_text()
        _open(page, f"{app_url}/?persona=hungyen")
        assert sidebar.get_by_role("link", name="Tải dữ liệu").count() == 1
        assert outside == []
    finally:
        context.close()


def test_a_csv_downloads_from_the_monthly_page(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    try:
        _open(page, f"{app_url}/hang-thang?persona=analyst")
        _no_exception(page, "monthly")
        with page.expect_download(timeout=120_000) as wait:
            page.get_by_role("button", name="Tải CSV").first.click()
        download = wait.value
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / download.suggested_filename
        download.save_as(str(target))
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
        text = data[3:].decode("utf-8")
        assert "# Phạm vi dữ liệu" in text and "indicator_code" in text and "CPI" in text
        assert target.name.endswith(".csv")
        # the download was written to the audit trail, by whom and with how many rows
        wh = Warehouse(real_warehouse_url())
        try:
            trail = wh.execute(table("audit"))
        finally:
            wh.close()
        done = trail[(trail["action"] == "download") & trail["what"].str.startswith("csv:monthly_")]
        assert len(done) >= 1
        assert done.iloc[-1]["who"] == "Chuyên viên phân tích (demo)" and int(done.iloc[-1]["rows"]) > 0
    finally:
        context.close()
