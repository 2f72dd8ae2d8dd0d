"""The cube engine's model rules for derived dimensions, rolled-up joins, chained joins and access through a party
table: a wrong model fails at load, naming the cube, the item and what is wrong."""

from __future__ import annotations

import textwrap

import pytest

from semantic.errors import ModelError
from semantic.model import load_model
from tests import tiny

GOOD = """
cubes:
  - name: t
    table: task
    title_vi: T
    title_en: T
    access: {area: assignee_area, agency: assignee_agency}
    as_of_column: document_date
    joins:
      - name: history
        table: task_event
        left: task_id
        right: task_id
        as_of_column: event_date
        rollup:
          - {name: done_on, agg: min, column: event_date, filters: [{dimension: kind, values: [completed]}]}
    dimensions:
      - {name: deadline, type: time, label_vi: a, label_en: a}
      - {name: done_on, join: history, type: time, label_vi: b, label_en: b}
      - name: status
        label_vi: c
        label_en: c
        cases: [{when: [{dimension: done_on, op: not_null}], then: done}]
        otherwise: open
      - {name: late, days_between: [deadline, done_on], type: number, label_vi: d, label_en: d}
      - {name: month, column: document_date, truncate: month, type: time, label_vi: e, label_en: e}
    measures:
      - {name: n, agg: count, label_vi: n, label_en: n}
"""


def load(tmp_path, text: str):
    (tmp_path / "m.yml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_model(tmp_path, tiny.HERE / "indicators")


def test_the_good_model_loads(tmp_path):
    assert [d.name for d in load(tmp_path, GOOD).cube("t").dimensions][-1] == "month"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a case naming a dimension declared after it (dimensions are built in order)
        (
            ("cases: [{when: [{dimension: done_on, op: not_null}]", "cases: [{when: [{dimension: late, op: not_null}]"),
            "dimension 'status': unknown dimension 'late'",
        ),
        (("        otherwise: open\n", ""), "cases need an 'otherwise' label"),
        (
            ("column: event_date, filters: [{dimension: kind,", "column: event_date, filters: [{dimension: sort,"),
            "join 'history': unknown dimension 'sort'",
        ),
        (
            ("{name: done_on, join: history,", "{name: done_on, column: finished, join: history,"),
            "dimension 'done_on': column 'finished' does not exist",
        ),
        (("as_of_column: document_date", "as_of_column: assigned_on"), "as_of_column 'assigned_on' does not exist"),
        (
            (
                "access: {area: assignee_area, agency: assignee_agency}",
                "access: {agency_via: {table: event_party, key: task_id, column: agency_code}}",
            ),
            "access via event_party.task_id/agency_code does not resolve",
        ),
        (("        left: task_id\n", "        left: nothing.task_id\n"), "join 'history' does not resolve"),
    ],
)
def test_broken_models_name_what_is_wrong(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(ModelError) as err:
        load(tmp_path, GOOD.replace(old, new))
    assert "cube t" in str(err.value) and message in str(err.value)
