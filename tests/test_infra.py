"""What tests/run.sh promises the other tests: Debian's Chromium driven by Playwright with Vietnamese fonts, the npm
OIDC provider, and a fresh PostgreSQL database per module."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("DIEUHANH_CHROMIUM", "/usr/bin/chromium")
#: The flags every browser test here uses: no sandbox as root, and no background traffic on a closed network.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEXT = "Điều hành số: Hưng Yên, Thái Bình, Quý I/2025 tăng 7,52%"


@pytest.mark.e2e
def test_chromium_draws_vietnamese_in_noto_sans_without_fallback(tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `bash tests/run.sh` (it installs Debian's chromium)"
    html = (
        f'<html lang="vi"><body><p id="t" style="font-family: \'Noto Sans\'; font-size: 24px">{TEXT}</p></body></html>'
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 120})
            page.set_content(html)
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#t"})["nodeId"]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            shot = tmp_path / "vi.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    # Every glyph, the stacked diacritics of ề and ố included, comes from Noto Sans: no fallback font was needed.
    assert [f["familyName"] for f in fonts] == ["Noto Sans"], fonts
    assert fonts[0]["glyphCount"] == len(TEXT)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.e2e
def test_the_oidc_provider_package_is_installed_for_node():
    node = shutil.which("node")
    assert node, "node is missing: run `bash tests/run.sh`"
    script = "import('oidc-provider').then(m => console.log(typeof m.default, typeof m.errors))"
    out = subprocess.run(
        [node, "--input-type=module", "-e", script],
        cwd=ROOT / "tests" / "e2e",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["function", "object"]


def test_pg_url_is_a_fresh_empty_database_named_after_the_module(pg_url):
    import psycopg

    assert "/t_test_infra_" in pg_url
    with psycopg.connect(pg_url) as con:
        tables = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
        version = con.execute("SHOW server_version_num").fetchone()
        encoding = con.execute("SHOW server_encoding").fetchone()
    assert tables == (0,)
    assert int(version[0]) >= 150000
    assert encoding == ("UTF8",)


def test_a_pg_url_test_is_marked_postgres(request, pg_url):
    assert request.node.get_closest_marker("postgres") is not None
