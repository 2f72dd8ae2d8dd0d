"""The sidebar menu, drawn by the app itself: Streamlit's own navigation is off (`client.showSidebarNavigation =
false`), so the raw pages/ list never shows, and a page a role cannot use can stay routable yet out of its menu."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from streamlit.navigation.page import StreamlitPage


def menu(where: Any, pages: Mapping[str, Sequence[StreamlitPage]], hidden: Collection[str] = ()) -> None:
    """One caption per group and a link per page into `where` (a sidebar container); pages whose url_path is in
    `hidden` are left out of the menu (they still answer their URL, and refuse there: hiding is convenience)."""
    for group, items in pages.items():
        shown = [p for p in items if p.url_path not in hidden]
        if not shown:
            continue
        where.caption(f"**{group}**")
        for page in shown:
            where.page_link(page)
