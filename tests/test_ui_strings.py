"""The one UI string catalog (issue 17 item 6): the words are YAML files under pages/strings/, registered explicitly,
once; a key defined twice (in one file or in two), a pair that is not two texts, a pair in (en, vi) order or
placeholders that differ between vi and en stop the app at start-up, naming the file and the key."""

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
    """A page family's file that reuses a key of another stops the import of the catalog (what app.py does first)."""
    code = (
        "import pathlib\n"
        "read = pathlib.Path.read_text\n"
        "def reused(self, *args, **kwargs):\n"
        "    text = read(self, *args, **kwargs)\n"
        "    return text + 'hoang_sa: [Hoàng Sa, Paracel]\\n' if self.name == 'forecast.yml' else text\n"
        "pathlib.Path.read_text = reused\n"
        "import app\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert (
        "UI string 'hoang_sa' is defined twice: in pages/strings/core.yml and in pages/strings/forecast.yml"
        in done.stderr
    )


def _files(tmp_path: Path, **texts: str) -> list[Path]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.yml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_a_key_written_twice_in_one_file_is_refused_with_the_file_and_the_lines(tmp_path):
    """PyYAML alone keeps the last of two equal keys, silently: the loader refuses it."""
    (path,) = _files(tmp_path, a="note: [Ghi chú, Note]\nseverity: [Mức độ, Severity]\nnote: [Ghi chép, Notes]\n")
    with pytest.raises(ValueError, match=r"'note' is defined twice in .*a\.yml \(lines 1 and 3\)"):
        i18n.load([path])
    (path,) = _files(tmp_path, b="TASK_STATUS:\n  overdue: [Quá hạn, Overdue]\n  overdue: [Chậm, Late]\n")
    with pytest.raises(ValueError, match=r"'overdue' is defined twice in .*b\.yml \(lines 2 and 3\)"):
        i18n.load([path])


def test_a_key_or_a_table_in_two_files_is_refused_with_both_files(tmp_path):
    paths = _files(tmp_path, a="severity: [Mức độ, Severity]\n", b="severity: [Cấp độ rủi ro, Risk level]\n")
    with pytest.raises(ValueError, match=r"'severity' is defined twice: in .*a\.yml and in .*b\.yml"):
        i18n.load(paths)
    paths = _files(tmp_path, c="TIMELINE:\n  started: [Bắt đầu, Started]\n", d="TIMELINE:\n  done: [Xong, Done]\n")
    with pytest.raises(ValueError, match=r"table 'TIMELINE' is defined twice: in .*c\.yml and in .*d\.yml"):
        i18n.load(paths)


@pytest.mark.parametrize(
    "line",
    [
        "day: Ngày",  # one text
        "day: [Ngày]",
        "day: [Ngày, Day, Jour]",
        "day: [Ngày, 1]",
        "day: [Ngày, ]",
        "day: {vi: Ngày, en: Day}",
    ],
)
def test_a_malformed_pair_is_refused_with_the_file_and_the_key(tmp_path, line):
    (path,) = _files(tmp_path, a=f"note: [Ghi chú, Note]\n{line}\n")
    with pytest.raises(ValueError, match=r"'day' in .*a\.yml is not a \(vi, en\) pair of texts"):
        i18n.load([path])


def test_an_en_vi_pair_in_a_file_or_a_table_is_refused(tmp_path):
    (path,) = _files(tmp_path, a="risk: [Risk level, Cấp độ rủi ro]\n")
    with pytest.raises(ValueError, match=r"'risk' in .*a\.yml reads \(en, vi\)"):
        i18n.load([path])
    (path,) = _files(tmp_path, b="EVENT_KINDS:\n  storm: [Storm, Bão]\n")
    with pytest.raises(ValueError, match=r"'storm' in .*b\.yml \(EVENT_KINDS\) reads \(en, vi\)"):
        i18n.load([path])


@pytest.mark.parametrize(
    "pair",
    ['["{n} ngày", "days"]', '["ngày", "{n} days"]', '["{n} ngày", "{days} days"]', '["{n} của {m}", "{n} of"]'],
)
def test_placeholders_that_differ_between_vi_and_en_are_refused(tmp_path, pair):
    (path,) = _files(tmp_path, a=f"days: {pair}\n")
    with pytest.raises(ValueError, match=r"'days' in .*a\.yml has placeholders that differ between vi and en"):
        i18n.load([path])


def test_the_same_placeholders_in_another_order_are_accepted(tmp_path):
    (path,) = _files(tmp_path, a='share_of: ["{name} — phần của {agency}", "{agency}\'s share of {name}"]\n')
    catalog, tables = i18n.load([path])
    assert catalog == {"share_of": ("{name} — phần của {agency}", "{agency}'s share of {name}")} and tables == {}


def test_the_real_catalog_holds_every_string_of_the_pages():
    """414 keys were registered before the strings became data, and the 16 of Khám phá that its module put into
    STRINGS after the catalog was built (text('filter_by') raised KeyError): 430, all from the listed files."""
    assert len(i18n.CATALOG) == 430
    assert sorted(p.name for p in i18n.STRINGS_DIR.glob("*.yml")) == sorted(i18n.STRING_FILES)
    assert i18n.text("filter_by", "en") == "Filter by" and i18n.text("app_title") == "Điều hành số"
    assert {name: len(table) for name, table in i18n.TABLES.items()} == {
        "GROUPS": 8,
        "FREQ_NAMES": 7,
        "STATUS_NAMES": 5,
        "PLAN_STATUS": 5,
        "COMPARE_NAMES": 5,
        "GRAIN_NAMES": 5,
        "TASK_STATUS": 5,
        "DOCUMENT_KINDS": 6,
        "EVENT_KINDS": 6,
        "TIMELINE": 4,
        "MILESTONE_STATUS": 4,
    }
    assert i18n.COMPARE_NAMES[""] == ("Giá trị (không so sánh)", "Level (no comparison)")
    assert i18n.FREQ_NAMES["Y"] == ("Năm", "Yearly") and i18n.TASK_STATUS["overdue"][1] == "Overdue"


def test_the_keys_that_collided_have_one_meaning_each():
    assert i18n.text("severity", "en") == "Severity" and i18n.text("risk_level", "en") == "Risk level"
    assert i18n.text("hoang_sa") == "Quần đảo Hoàng Sa (Việt Nam)"
    assert i18n.text("hoang_sa_short") == "QĐ. Hoàng Sa (Đà Nẵng)"
    assert i18n.text("truong_sa_short", "en") == "Truong Sa (Spratly) Is. (Khanh Hoa)"
