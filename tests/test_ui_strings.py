"""The one UI string catalog (issue 17 item 6): registered explicitly, once; a key defined twice or a pair in
(en, vi) order stops the app at start-up, naming the key and the tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pages import i18n

ROOT = Path(__file__).resolve().parent.parent


def test_a_key_defined_twice_is_refused_even_with_the_same_words():
    with pytest.raises(ValueError, match="'severity' is defined twice: in a and in b"):
        i18n.register({"a": {"severity": ("Mức độ", "Severity")}, "b": {"severity": ("Cấp độ rủi ro", "Risk level")}})
    with pytest.raises(ValueError, match="'note' is defined twice"):
        i18n.register({"a": {"note": ("Ghi chú", "Note")}, "b": {"note": ("Ghi chú", "Note")}})


def test_an_en_vi_pair_or_a_missing_text_is_refused():
    with pytest.raises(ValueError, match=r"'risk' in a reads \(en, vi\)"):
        i18n.register({"a": {"risk": ("Risk level", "Cấp độ rủi ro")}})
    with pytest.raises(ValueError, match="'x' in a is not a"):
        i18n.register({"a": {"x": ("Ngày", "")}})


def test_a_duplicate_key_stops_the_app_at_start_up():
    """A page family's table that reuses a key of another stops the import of the catalog (what app.py does first)."""
    code = "import pages.i18n_forecast as f\nf.FORECAST_STRINGS['hoang_sa'] = ('Hoàng Sa', 'Paracel')\nimport app\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "UI string 'hoang_sa' is defined twice: in pages.i18n and in pages.i18n_forecast" in done.stderr


def test_the_keys_that_collided_have_one_meaning_each():
    assert i18n.text("severity", "en") == "Severity" and i18n.text("risk_level", "en") == "Risk level"
    assert i18n.text("hoang_sa") == "Quần đảo Hoàng Sa (Việt Nam)"
    assert i18n.text("hoang_sa_short") == "QĐ. Hoàng Sa (Đà Nẵng)"
    assert i18n.text("truong_sa_short", "en") == "Truong Sa (Spratly) Is. (Khanh Hoa)"
