"""The frame: page config, who the user is (OIDC or demo persona), the shared sidebar, and navigation."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import streamlit as st

from pages import nav, ui
from pages.i18n import pick, text
from pages.ui import Context, audit_login, model, sidebar, warehouse
from semantic.access import load_policy, persona_claims, scope_from_claims, session_problem, user_claims
from semantic.areas import provinces_on
from semantic.catalog import agency_names, reference_codes
from semantic.profile import ProfileError
from semantic.profile import active as active_profile

#: set to 1 in production: without an [auth] section the app then refuses to start instead of offering demo mode
#: (a lost secrets file must not turn a government deployment into a public demo). It can only switch demo mode off.
REQUIRE_AUTH_ENV = "DIEUHANH_REQUIRE_AUTH"

try:  # the deployment (DIEUHANH_PROFILE): a value that names no profile stops the app with its name, no traceback
    PROFILE = active_profile()
except ProfileError as exc:
    st.set_page_config(page_title="Điều hành số", page_icon="🇻🇳", layout="wide")
    st.error(exc.message("vi"))
    st.caption(exc.message("en"))
    st.stop()
st.set_page_config(page_title=PROFILE.title_vi, page_icon="🇻🇳", layout="wide")


#: what st.login() needs in [auth] (Streamlit's default provider); a section without one of them is not a login
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def auth_mode() -> Literal["demo", "oidc", "broken"]:
    """demo only when no secrets file exists at all; oidc when one does and its [auth] section holds every key
    st.login() needs. Any other secrets file — empty, `[Auth]`, `[oidc]`, an [auth] missing a key, unparseable —
    is `broken`: fail closed, so a typo in a deployment's secrets.toml cannot turn it into a public demo."""
    files = [f for f in st.get_option("secrets.files") or [] if Path(f).exists()]
    if not files:
        return "demo"
    problem = _auth_problem()
    if problem is None:
        return "oidc"
    # what is wrong goes to the server log, for the administrator; the visitor is only told the app is closed
    logging.getLogger(__name__).error("%s: %s; the app stops (fail closed)", ", ".join(files), problem)
    return "broken"


def _auth_problem() -> str | None:
    try:
        section = st.secrets.get("auth")
    except Exception as exc:  # noqa: BLE001 - whatever goes wrong reading an existing secrets file, never demo mode
        return f"cannot be read ({type(exc).__name__})"
    if not isinstance(section, Mapping):
        return "no [auth] table"
    missing = [k for k in AUTH_KEYS if not (isinstance(section.get(k), str) and section[k].strip())]
    return f"[auth] lacks {', '.join(missing)}" if missing else None


def ensure_warehouse(lang: str) -> None:
    from connectors.seed import ensure_seeded

    wh = warehouse()
    if ui.warehouse_ready():
        return
    bar = st.progress(0.0, text=text("building", lang))
    ensure_seeded(wh, lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=f"{text('building', lang)} {m}"))
    bar.empty()


@st.cache_data(show_spinner=False, ttl=600)
def _codes(version: str) -> tuple[frozenset[str], frozenset[str]]:
    agencies, areas = reference_codes(warehouse())
    return frozenset(agencies), frozenset(areas)


@st.cache_data(show_spinner=False, ttl=600)
def _names(version: str, lang: str) -> dict[str, str]:
    """Agency and province code -> name in `lang` (today's units): the scope is said in names, not claim codes."""
    column = "name_vi" if lang == "vi" else "name_en"
    agencies = agency_names(warehouse())
    provinces = provinces_on(warehouse(), ui.boundary_day())
    return {**dict(zip(provinces["code"], provinces[column], strict=True)),
            **dict(zip(agencies["code"], agencies[column], strict=True))}  # fmt: skip


def _login_screen(lang: str, message: str) -> None:
    st.title(text("app_title", lang))
    st.info(text(message, lang))
    if st.button(text("login", lang), type="primary"):
        st.login()
    st.stop()


def oidc_claims(lang: str) -> dict[str, Any]:
    """The logged-in user's ID-token claims; a session whose token expired (or that is older than the policy
    allows) is refused and the user asked to log in again: Streamlit itself keeps claims for 30 days."""
    if not st.user.is_logged_in:
        _login_screen(lang, "login_prompt")
    user = st.user.to_dict()
    if session_problem(user, time.time()) is not None:
        _login_screen(lang, "session_expired")
    return user_claims(user)


def identity(lang: str, demo: bool) -> dict[str, Any]:
    """Claims of the caller: from OIDC when [auth] is configured (nothing else is consulted then: no persona widget,
    no ?persona=, no environment variable), else from the demo persona picked in the sidebar or the URL."""
    if not demo:
        return oidc_claims(lang)
    policy = load_policy()
    ids = list(policy.personas)
    wanted = st.query_params.get("persona", "none")  # no persona named: nobody, never the leader
    persona = st.sidebar.selectbox(
        text("persona", lang),
        ids,
        index=ids.index(wanted) if wanted in ids else ids.index("none"),
        format_func=lambda p: pick((policy.personas[p].name_vi, policy.personas[p].name_en), lang),
        key="persona",
    )
    if st.query_params.get("persona") != persona:
        st.query_params["persona"] = persona
    return persona_claims(persona, policy)


def main() -> None:
    menu = st.sidebar.container()  # the menu comes first in the sidebar, drawn once the user's pages are known
    lang = "en" if st.query_params.get("lang") == "en" else "vi"
    lang = st.sidebar.radio(
        text("lang", lang),
        ["vi", "en"],
        index=0 if lang == "vi" else 1,
        horizontal=True,
        format_func=lambda v: "Tiếng Việt" if v == "vi" else "English",
        key="lang",
    )
    if lang == "en":
        st.query_params["lang"] = "en"
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    mode = auth_mode()
    demo = mode == "demo"
    if mode == "broken" or (demo and os.environ.get(REQUIRE_AUTH_ENV, "").strip() not in ("", "0")):
        st.error(text("auth_required", lang))
        st.stop()
    if demo:
        st.warning(text("demo_banner", lang), icon=":material/warning:")
    ui.warm_up()  # once per process: the pages' heavy imports in the background
    ensure_warehouse(lang)
    claims = identity(lang, demo)
    agencies, areas = _codes(ui.data_version())
    scope = scope_from_claims(claims, known_agencies=agencies, known_areas=areas)
    st.sidebar.caption(f"{text('user', lang)}:")
    st.sidebar.text(scope.who)  # a claim, not trusted text: shown as it is, never read as markdown or HTML
    names = _names(ui.data_version(), lang)
    st.sidebar.caption(f"{text('scope', lang)}: {scope.describe(lang, names)}")
    if not demo and st.sidebar.button(text("logout", lang)):
        st.logout()
    home = PROFILE.home_area  # VN, or the province of a province's deployment
    st.session_state["ctx"] = Context(lang=lang, scope=scope, demo=demo, area=home, boundaries="2025")
    audit_login(scope, demo)  # once per session and identity: a login, or a login without access, in the trail
    ui.style()  # the layout rules: KPI cards that wrap, values never cut, Vietnamese file-drop hint
    if scope.denied:
        st.title(text("app_title", lang))
        st.error(text("no_access", lang))
        why = scope.why[1] if lang == "vi" else scope.why[0]
        if why:  # which claim matched no rule: what the administrator needs to fix the account
            st.caption(why)
        st.stop()
    area, period, boundaries = sidebar(lang, scope)  # the shared sidebar: area, reporting period, boundaries
    st.session_state["ctx"] = Context(
        lang=lang, scope=scope, demo=demo, area=area, boundaries=boundaries, period=period
    )
    model()  # load and check the model once per process; a broken model fails here, loudly
    pages = {
        text("nav_group_monitor", lang): [
            st.Page(
                "pages/overview.py",
                title=text("nav_overview", lang),
                icon=":material/account_balance:",
                default=True,
                url_path="tong-quan",
            ),
            st.Page(
                "pages/daily.py", title=text("nav_daily", lang), icon=":material/show_chart:", url_path="hang-ngay"
            ),
            st.Page(
                "pages/monthly.py",
                title=text("nav_monthly", lang),
                icon=":material/calendar_month:",
                url_path="hang-thang",
            ),
            st.Page("pages/plan.py", title=text("nav_plan", lang), icon=":material/flag:", url_path="ke-hoach-nam"),
            st.Page(
                "pages/provinces.py", title=text("nav_provinces", lang), icon=":material/map:", url_path="tinh-thanh"
            )
            if not PROFILE.province
            else st.Page(  # a province's deployment: its communes ranked and its departments
                "pages/communes.py",
                title=pick(("Xã, phường, sở ngành", "Communes, departments"), lang),
                icon=":material/map:",
                url_path="xa-phuong",
            ),
            st.Page(
                "pages/forecast.py",
                title=pick(("Dự báo", "Forecasts"), lang),
                icon=":material/trending_up:",
                url_path="du-bao",
            ),
            st.Page(
                "pages/warnings.py",
                title=pick(("Cảnh báo", "Warnings"), lang),
                icon=":material/warning:",
                url_path="canh-bao",
            ),
        ],
        pick(("Chỉ đạo, điều hành", "Direction"), lang): [
            st.Page(
                "pages/tasks.py",
                title=pick(("Nhiệm vụ", "Tasks"), lang),
                icon=":material/assignment:",
                url_path="nhiem-vu",
            ),
            st.Page(
                "pages/programs.py",
                title=pick(("Chương trình, dự án", "Programs & projects"), lang),
                icon=":material/construction:",
                url_path="chuong-trinh-du-an",
            ),
            st.Page(
                "pages/emergency.py",
                title=pick(("Tình huống khẩn cấp", "Emergencies"), lang),
                icon=":material/emergency:",
                url_path="tinh-huong-khan-cap",
            ),
            st.Page(
                "pages/situation.py",
                title=pick(("Điều hành tình huống", "Situation board"), lang),
                icon=":material/radar:",
                url_path="dieu-hanh-tinh-huong",
            ),
        ],
        text("nav_group_data", lang): [
            st.Page(
                "pages/explore.py",
                title=text("nav_explore", lang),
                icon=":material/travel_explore:",
                url_path="kham-pha",
            ),
            st.Page(
                "pages/catalog.py", title=text("nav_catalog", lang), icon=":material/menu_book:", url_path="danh-muc"
            ),
            st.Page(
                "pages/quality.py",
                title=pick(("Chất lượng dữ liệu", "Data quality"), lang),
                icon=":material/fact_check:",
                url_path="chat-luong-du-lieu",
            ),
            st.Page(
                "pages/upload.py",
                title=pick(("Tải dữ liệu", "Upload data"), lang),
                icon=":material/upload_file:",
                url_path="tai-du-lieu",
            ),
            st.Page(
                "pages/exchange.py",
                title=pick(("Kết nối, chia sẻ", "Connections and sharing"), lang),
                icon=":material/share:",
                url_path="ket-noi-chia-se",
            ),
        ],
    }
    if scope.may("audit"):  # hiding is convenience: the audit cube itself refuses scopes without the permission
        pages[text("nav_group_admin", lang)] = [
            st.Page(
                "pages/audit.py", title=text("nav_audit", lang), icon=":material/shield:", url_path="nhat-ky-truy-cap"
            ),
        ]
    current = st.navigation(pages, position="hidden")
    nav.menu(menu, pages, hidden=() if scope.may("upload") else ("tai-du-lieu",))
    current.run()


main()
