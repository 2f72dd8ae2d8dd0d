"""app.py's identity (AppTest, real warehouse): demo personas from ?persona= or the picker; with [auth] configured
only the OIDC login counts — no persona widget, no URL parameter, no environment variable brings demo mode back —
an expired session is refused, an account without scope is told so, and only admins get the access log."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pages.ui import Context
from semantic.access import persona_scope
from tests.monitoring_support import real_warehouse_url, using

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AUTH = """[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-32-chars"
client_id = "dieuhanh"
client_secret = "test-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
expose_tokens = ["id"]
client_kwargs = { scope = "openid profile dieuhanh", prompt = "login" }
"""
NO_ACCESS = "chưa được cấp quyền xem dữ liệu"
DEMO_BANNER = "CHẾ ĐỘ MINH HỌA"
#: environment variables someone might hope turn demo mode on; the app reads none of them
TRICKS = {"DIEUHANH_DEMO": "1", "DIEUHANH_PERSONA": "leader", "DEMO": "1", "STREAMLIT_AUTH": "off"}


@pytest.fixture(scope="module", autouse=True)
def real() -> Iterator[None]:
    with using(real_warehouse_url()):
        yield


def _secrets_files(paths: list[str] | None) -> Iterator[None]:
    before = st.get_option("secrets.files")
    st.secrets._reset()
    if paths is not None:
        st.config.set_option("secrets.files", paths)
    try:
        yield
    finally:
        st.config.set_option("secrets.files", before)
        st.secrets._reset()  # the next test reads its own secrets, not these


@pytest.fixture
def demo(tmp_path, monkeypatch) -> Iterator[None]:
    """No secrets file anywhere: demo mode."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIEUHANH_REQUIRE_AUTH", raising=False)
    yield from _secrets_files([str(tmp_path / "absent" / "secrets.toml")])


@pytest.fixture
def auth(tmp_path, monkeypatch) -> Iterator[None]:
    """[auth] in ./.streamlit/secrets.toml of a temporary working directory (where st.login reads it)."""
    folder = tmp_path / ".streamlit"
    folder.mkdir()
    (folder / "secrets.toml").write_text(AUTH, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for key, value in TRICKS.items():
        monkeypatch.setenv(key, value)
    yield from _secrets_files([str(folder / "secrets.toml")])


def app(persona: str | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    if persona is not None:
        at.query_params["persona"] = persona
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def logged_in(**claims) -> dict:
    now = time.time()
    return {
        "is_logged_in": True,
        "iss": "http://127.0.0.1:9",
        "sub": "u-1",
        "iat": now - 60,
        "exp": now + 3600,
        **claims,
    }


def sidebar_text(at: AppTest) -> str:
    return " ".join([*(c.value for c in at.sidebar.caption), *(t.value for t in at.sidebar.text)])


def shows_data(at: AppTest) -> bool:
    return bool(at.metric or at.dataframe or at.get("plotly_chart") or at.get("arrow_vega_lite_chart"))


# -- demo mode --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "scope_text"),
    [
        ("leader", "toàn quốc, mọi bộ/ngành"),
        ("analyst", "toàn quốc, mọi bộ/ngành"),
        ("mof", "Bộ/ngành: Bộ Tài chính"),
        ("moc", "Bộ/ngành: Bộ Xây dựng"),
        ("hungyen", "Tỉnh/thành: Tỉnh Hưng Yên"),
        ("admin", "toàn quốc, mọi bộ/ngành"),
    ],
)
def test_demo_persona_from_the_url(demo, persona, scope_text):
    at = app(persona)
    assert at.warning and DEMO_BANNER in at.warning[0].value
    assert at.sidebar.selectbox(key="persona").value == persona
    assert f"Phạm vi dữ liệu: {scope_text}" in sidebar_text(at)
    assert not at.error and at.title[0].value == "Tổng quan kinh tế – xã hội"


def test_the_picker_switches_persona_and_the_url_follows(demo):
    at = app("leader")
    at.sidebar.selectbox(key="persona").set_value("hungyen").run()
    assert "Tỉnh/thành: Tỉnh Hưng Yên" in sidebar_text(at) and at.query_params["persona"] == "hungyen"


@pytest.mark.parametrize("persona", ["none", "root", "' OR 1=1 --"])
def test_no_access_persona_or_an_unknown_one_sees_nothing(demo, persona):
    at = app(persona)
    assert at.sidebar.selectbox(key="persona").value == "none"  # an unknown id is not a leader
    assert at.error and NO_ACCESS in at.error[0].value.lower()
    assert not shows_data(at)


def test_the_access_log_is_in_the_menu_for_admins_only(demo):
    admin = app("admin")
    admin.switch_page("pages/audit.py")
    admin.run()
    assert not admin.exception and admin.title[0].value == "Nhật ký truy cập"
    entries = {m.label: m.value for m in admin.metric}
    assert int(entries["Số lượt"].replace(".", "")) > 0
    for persona in ("leader", "analyst", "hungyen", "moc"):
        at = app(persona)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("pages/audit.py")


def test_the_access_log_page_itself_refuses_a_leader(demo):
    at = AppTest.from_file(str(ROOT / "pages" / "audit.py"), default_timeout=300)
    at.session_state["ctx"] = Context(lang="vi", scope=persona_scope("leader"), demo=True, area="VN", boundaries="2025")
    at.run()
    assert at.error and "quản trị viên" in at.error[0].value
    assert not at.dataframe and not at.metric


def test_require_auth_refuses_demo_mode(demo, monkeypatch):
    monkeypatch.setenv("DIEUHANH_REQUIRE_AUTH", "1")
    at = app("leader")
    assert at.error and "[auth]" in at.error[0].value
    assert not at.sidebar.selectbox and not at.warning and not shows_data(at)


# -- [auth] configured: OIDC only --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, "leader", "admin"])
def test_logged_out_sees_only_the_login(auth, persona):
    at = app(persona, {"is_logged_in": False})
    assert at.info and "đăng nhập" in at.info[0].value.lower()
    assert [b.label for b in at.button] == ["Đăng nhập"]
    assert not at.sidebar.selectbox and not at.warning and not shows_data(at)  # no persona picker, no demo banner


def test_province_user_gets_the_province_and_a_forged_persona_changes_nothing(auth):
    at = app("leader", logged_in(name="Cán bộ Hưng Yên", roles=["province_staff"], province="33"))
    text = sidebar_text(at)
    assert "Cán bộ Hưng Yên" in text and "Tỉnh/thành: Tỉnh Hưng Yên" in text
    assert "persona" not in [s.key for s in at.sidebar.selectbox]
    assert not at.warning  # no demo banner
    assert at.session_state["ctx"].scope.areas == {"33"}
    assert [b.label for b in at.sidebar.button] == ["Đăng xuất"]


def test_a_name_with_markup_is_shown_as_plain_text(auth):
    name = "**Sếp** [bấm](http://evil.example) :red[đỏ] <b>x</b> $x^2$"
    at = app(None, logged_in(name=name, roles=["leader"]))
    assert [t.value for t in at.sidebar.text] == [name]  # st.text: never parsed as markdown or HTML
    assert not any("Sếp" in m.value for m in [*at.sidebar.caption, *at.sidebar.markdown])


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"roles": ["nobody"]},
        {"persona": "leader"},  # a forged claim named like the demo switch
        {"roles": ["province_staff"], "province": "99"},
    ],
)
def test_logged_in_without_scope_sees_no_access_and_can_log_out(auth, claims):
    at = app("leader", logged_in(name="Không quyền", **claims))
    assert at.error and NO_ACCESS in at.error[0].value.lower()
    assert at.caption  # the reason, for the administrator
    assert not shows_data(at) and not at.sidebar.selectbox
    at.sidebar.button[0].click().run()  # Đăng xuất
    at.run()
    assert [b.label for b in at.button] == ["Đăng nhập"]


@pytest.mark.parametrize(
    "user",
    [
        {"exp": -10.0},  # the ID token expired 10 s ago
        {"exp": None},  # no expiry at all: refused, not trusted forever
        {"iat": -9 * 3600.0, "exp": 3600.0},  # a long-lived token, but the login is older than 8 hours
        {"exp": 3600.0, "tokens": {"id": "not-a-jwt"}},
    ],
)
def test_an_expired_session_must_log_in_again(auth, user):
    now = time.time()
    values = logged_in(name="Lãnh đạo", roles=["leader"])
    values.update({k: (now + v if isinstance(v, float) else v) for k, v in user.items()})
    values = {k: v for k, v in values.items() if v is not None}
    at = app(None, values)
    assert at.info and "hết hạn" in at.info[0].value
    assert [b.label for b in at.button] == ["Đăng nhập"]
    assert not shows_data(at) and not at.sidebar.caption


def test_an_unreadable_secrets_file_fails_closed(tmp_path, monkeypatch):
    folder = tmp_path / ".streamlit"
    folder.mkdir()
    (folder / "secrets.toml").write_text("[auth\nclient_id = ", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for _ in _secrets_files([str(folder / "secrets.toml")]):
        at = app("leader")
        assert at.error and "[auth]" in at.error[0].value
        assert not at.warning and not at.sidebar.selectbox and not shows_data(at)


@pytest.mark.parametrize(
    "content",
    [
        "",  # an empty file
        "[Auth]\n" + AUTH.split("\n", 1)[1],  # the table misspelt
        "[oidc]\n" + AUTH.split("\n", 1)[1],  # another name for it
        'db_password = "x"\n',  # secrets for something else
        AUTH.replace('client_secret = "test-secret"\n', ""),  # [auth] without a key st.login needs
        "auth = 1\n",  # not a table
    ],
)
def test_a_secrets_file_without_a_valid_auth_table_fails_closed(tmp_path, monkeypatch, caplog, content):
    """Demo mode only without any secrets file: an existing one that lacks a usable [auth] stops the app (what is
    wrong goes to the server log for the administrator)."""
    folder = tmp_path / ".streamlit"
    folder.mkdir()
    (folder / "secrets.toml").write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIEUHANH_REQUIRE_AUTH", raising=False)
    for _ in _secrets_files([str(folder / "secrets.toml")]):
        for persona in (None, "leader"):
            at = app(persona)
            assert at.error and "[auth]" in at.error[0].value
            assert not at.warning and not at.sidebar.selectbox and not shows_data(at)
    assert any("secrets.toml" in r.getMessage() and "fail closed" in r.getMessage() for r in caplog.records)


def test_demo_without_a_persona_is_nobody_not_the_leader(demo):
    at = app()
    assert at.sidebar.selectbox(key="persona").value == "none"
    assert at.error and NO_ACCESS in at.error[0].value.lower()
    assert not shows_data(at)


def test_every_page_view_is_audited_even_when_served_from_the_cache(auth):
    from semantic.model import default_model
    from semantic.query import run
    from semantic.spec import Filter, QuerySpec
    from warehouse.db import shared

    first, second = (f"Lãnh đạo {uuid.uuid4().hex[:8]}" for _ in range(2))
    for name in (first, second):  # the same grant: the second is served from the first one's cache entries
        at = app(None, logged_in(name=name, roles=["leader"]))
        assert at.title[0].value == "Tổng quan kinh tế – xã hội"
    spec = QuerySpec(
        view="audit",
        dimensions=("who", "spec"),
        measures=("entries",),
        filters=(Filter("who", "in", (first, second)), Filter("what", "eq", ("page",))),
    )
    trail = run(spec, default_model(), persona_scope("admin"), shared())
    seen = {who: set(trail.loc[trail["who"] == who, "spec"]) for who in (first, second)}
    assert seen[first] and seen[first] == seen[second], seen
