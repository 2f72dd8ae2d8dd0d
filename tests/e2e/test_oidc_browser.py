"""Login end to end: the npm `oidc-provider` on loopback, `streamlit run app.py` with [auth] pointing at it, and
Debian's Chromium driven by Playwright. A province user logs in through the provider's form and sees only their
province; logs out; a user without claims logs in and is told there is no access. Screenshots: artifacts/oidc/."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.monitoring_support import real_warehouse_url

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
E2E = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "artifacts" / "oidc"
CHROMIUM = os.environ.get("DIEUHANH_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
CLIENT = {"client_id": "dieuhanh-e2e", "client_secret": "e2e-secret-not-for-production"}
USERS = {
    "hungyen": {"name": "Cán bộ Hưng Yên (E2E)", "roles": ["province_staff"], "province": "33"},
    # "nobody" is not listed: the provider logs it in as a bare account with no roles, agency or province
}
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
LOGIN, LOGOUT = "Đăng nhập", "Đăng xuất"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{url} did not come up:\n{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()  # by the PID we started, nothing broader
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


@contextlib.contextmanager
def servers(folder: Path, id_token_ttl: int = 3600) -> Iterator[str]:
    """The provider on 127.0.0.1 and the app on localhost (different host names: cookies ignore ports), each on a
    free port; yields the app's URL. Both are stopped by the PIDs started here."""
    node = shutil.which("node")
    assert node, "node is not installed (tests/run.sh installs it)"
    assert (E2E / "node_modules" / "oidc-provider").is_dir(), "run `npm ci` in tests/e2e (tests/run.sh does)"
    provider_port, app_port = _free_port(), _free_port()
    redirect = f"http://localhost:{app_port}/oauth2callback"
    issuer = f"http://127.0.0.1:{provider_port}"
    provider_log, app_log = folder / "provider.log", folder / "streamlit.log"
    env = {
        **os.environ,
        "OIDC_PORT": str(provider_port),
        "OIDC_CLIENT": json.dumps({**CLIENT, "redirect_uri": redirect}),
        "OIDC_USERS": json.dumps(USERS),
        "OIDC_ID_TOKEN_TTL": str(id_token_ttl),
    }
    with provider_log.open("w") as out:
        provider = subprocess.Popen(
            [node, str(E2E / "oidc_provider.mjs")], cwd=E2E, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect}"\n'
        f'cookie_secret = "{os.urandom(24).hex()}"\n'
        f'client_id = "{CLIENT["client_id"]}"\n'
        f'client_secret = "{CLIENT["client_secret"]}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        'expose_tokens = ["id"]\n'
        'client_kwargs = { scope = "openid profile dieuhanh", prompt = "login" }\n',
        encoding="utf-8",
    )
    app_env = {**os.environ, "DIEUHANH_DB": real_warehouse_url(), "DIEUHANH_REQUIRE_AUTH": "1"}
    app = None
    try:
        _wait_http(f"{issuer}/.well-known/openid-configuration", provider, provider_log)
        with app_log.open("w") as out:
            app = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(app_port),
                 "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats",
                 "false", "--secrets.files", str(secrets), "--server.fileWatcherType", "none",
                 "--server.runOnSave", "false"],
                cwd=ROOT, env=app_env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        _wait_http(f"http://127.0.0.1:{app_port}/_stcore/health", app, app_log)
        # the app is opened on the host named in redirect_uri
        yield f"http://localhost:{app_port}"
    finally:
        if app is not None:
            _stop(app)
        _stop(provider)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    with servers(tmp_path_factory.mktemp("oidc")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def ready(page) -> None:
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_timeout(300)  # the last delta after the script finished


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def log_in(page, app_url: str, user: str) -> None:
    page.goto(app_url)
    ready(page)
    page.get_by_role("button", name=LOGIN).click()
    page.wait_for_selector('input[name="login"]', timeout=60_000)  # the provider's own form
    assert page.url.startswith("http://127.0.0.1:")
    page.fill('input[name="login"]', user)
    page.fill('input[name="password"]', "any-password")
    page.click('button[type="submit"]')
    page.wait_for_url(f"{app_url}/**", timeout=60_000)
    ready(page)


def grid_rows(page) -> list[dict[str, str]]:
    """The rows of the first table (st.dataframe draws on a canvas; its accessible grid holds the text), read once
    the grid has its first cell: the frame appears before the grid is filled, and on a busy machine (the suite's
    two workers each driving a browser) the rows came a moment later than an immediate read."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=60_000)
    header = [t.strip() for t in grid.locator('[role="columnheader"]').all_text_contents()]
    rows = []
    for row in grid.locator('[role="row"]').all():
        cells = [t.strip() for t in row.locator('[role="gridcell"]').all_text_contents()]
        if cells:
            rows.append(dict(zip(header[-len(cells) :], cells, strict=True)))
    return rows


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_province_user_sees_their_province_then_a_user_without_claims_sees_no_access(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")

    # logged out: only the login button; a forged persona parameter changes nothing
    page.goto(f"{app_url}/?persona=leader")
    ready(page)
    assert page.get_by_role("button", name=LOGIN).is_visible()
    body = page.locator("body").inner_text()
    assert "CHẾ ĐỘ MINH HỌA" not in body and "Tổng quan kinh tế" not in body
    shot(page, "1-logged-out")

    # the province user through the provider's real form
    log_in(page, app_url, "hungyen")
    side = sidebar_text(page)
    assert "Cán bộ Hưng Yên (E2E)" in side and "Tỉnh/thành: Tỉnh Hưng Yên" in side, side
    assert "CHẾ ĐỘ MINH HỌA" not in page.locator("body").inner_text()
    # the areas it may pick: the country (national aggregates are visible by policy) and Hưng Yên only
    # the menu now heads the sidebar, so the area box is below the fold: scroll it into view before the click (a
    # click that scrolls the sidebar itself closes the list as it opens: the combobox shuts its list on scroll),
    # then read the list once it is drawn
    area = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    area.scroll_into_view_if_needed()
    area.click()
    page.get_by_role("listbox").get_by_role("option").first.wait_for(timeout=30_000)
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    options = [o.strip() for o in options]
    assert len(options) == 2 and options[0] == "Việt Nam" and options[1].endswith("Hưng Yên (33)"), options
    shot(page, "2-hungyen-overview")

    # the same query a leader would see for Hà Nội and Hưng Yên: Hưng Yên's rows only
    spec = {
        "view": "observations",
        "indicators": ["PUBINV_DISB"],
        "areas": ["01", "33"],
        "time_from": "2024-12",
        "time_to": "2024-12",
        "dimensions": ["area"],
    }
    page.goto(f"{app_url}/kham-pha?q={urllib.request.quote(json.dumps(spec, separators=(',', ':')))}")
    ready(page)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    shot(page, "3-hungyen-explore")
    rows = grid_rows(page)
    # Hà Nội (01, 9,822.916) was asked for too; only new Hưng Yên comes back: old Hưng Yên + old Thái Bình
    # (3,364.553, shown as a person reads it: the province by name, tỷ đồng without decimals, 3.365)
    assert [(r["Địa bàn"], r["Giá trị"]) for r in rows] == [("Tỉnh Hưng Yên", "3.365")], rows

    # a forged persona parameter while logged in changes nothing
    page.goto(f"{app_url}/?persona=leader")
    ready(page)
    assert "Tỉnh/thành: Tỉnh Hưng Yên" in sidebar_text(page)

    # log out: Streamlit ends the provider's session too (RP-initiated logout, which the provider asks to confirm),
    # and the provider sends the browser back to the app, logged out
    page.get_by_role("button", name=LOGOUT).click()
    confirm = page.get_by_role("button", name="Yes, sign me out")
    login = page.get_by_role("button", name=LOGIN)
    confirm.or_(login).first.wait_for(timeout=60_000)
    if confirm.is_visible():
        assert page.url.startswith("http://127.0.0.1:") and "/session/end" in page.url
        confirm.click()
    login.wait_for(timeout=60_000)
    ready(page)
    assert page.url.startswith(app_url)
    shot(page, "4-logged-out-again")

    # a user whose token carries no roles, agency or province
    log_in(page, app_url, "nobody")
    body = page.locator("body").inner_text()
    assert "chưa được cấp quyền xem dữ liệu" in body, body
    assert "Tổng quan kinh tế" not in body
    assert page.get_by_role("button", name=LOGOUT).is_visible()
    shot(page, "5-nobody-no-access")
    page.close()


def test_an_expired_id_token_is_refused_and_asks_to_log_in_again(browser, tmp_path):
    # a provider whose ID tokens live 20 s: Streamlit's cookie would keep the claims for 30 days; the app does not
    with servers(tmp_path, id_token_ttl=20) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        log_in(page, url, "hungyen")
        assert "Tỉnh/thành: Tỉnh Hưng Yên" in sidebar_text(page)
        page.wait_for_timeout(21_000)
        page.reload()
        ready(page)
        body = page.locator("body").inner_text()
        assert "Phiên đăng nhập đã hết hạn" in body, body
        assert "Tỉnh/thành: Tỉnh Hưng Yên" not in body and "Tổng quan kinh tế" not in body
        assert page.get_by_role("button", name=LOGIN).is_visible()
        shot(page, "6-session-expired")
        page.close()
