"""The one CSV import helper (oocr/csv_import.py): every row checked, then all saved in one transaction or none."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from oocr.csv_import import Problem, csv_import

COLUMNS = ["name", "size"]


def row_check(line, row):
    if not row["size"].isdigit():
        return None, [Problem("size", f"size: {row['size']!r} is not a whole number")]
    return (row["name"], int(row["size"])), []


def groups_save(items):
    for name, _ in items:
        Group.objects.create(name=name)
    return len(items)


@pytest.mark.django_db
def test_good_rows_are_all_saved_and_the_save_result_returned():
    assert csv_import(text="name,size\nAlpha,1\nBeta,2\n", columns=COLUMNS, row_check=row_check, save=groups_save) == 2
    assert set(Group.objects.filter(name__in=["Alpha", "Beta", "Gamma"]).values_list("name", flat=True)) == {"Alpha", "Beta"}


@pytest.mark.django_db
def test_every_bad_line_is_reported_by_number_and_nothing_is_saved(caplog):
    caplog.set_level(logging.INFO, logger="oocr.csv_import")
    text = "name,size\nAlpha,1\nJane Doe,ten\nGamma,3\nJohn Roe,-4\n"
    with pytest.raises(ValidationError) as refused:
        csv_import(text=text, columns=COLUMNS, row_check=row_check, save=groups_save, name="Test import")
    assert refused.value.messages == ["Line 3: size: 'ten' is not a whole number", "Line 5: size: '-4' is not a whole number"]
    assert not Group.objects.filter(name__in=["Alpha", "Beta", "Gamma"]).exists()
    # The log says which lines and columns, never what the cells held.
    logged = caplog.text
    assert "Test import refused: 2 bad line(s) of 4: 3 (size), 5 (size)" in logged
    assert "Jane" not in logged and "ten" not in logged and "-4" not in logged


@pytest.mark.django_db
def test_problems_of_the_whole_file_follow_the_lines_and_stop_the_import():
    def names_once(rows):
        names = [row["name"] for _, row in rows]
        return [f"{name} appears more than once" for name in sorted(set(names)) if names.count(name) > 1]

    with pytest.raises(ValidationError) as refused:
        csv_import(text="name,size\nAlpha,1\nAlpha,x\n", columns=COLUMNS, row_check=row_check, save=groups_save,
                   file_check=names_once)
    assert refused.value.messages == ["Line 3: size: 'x' is not a whole number", "Alpha appears more than once"]
    assert not Group.objects.filter(name__in=["Alpha", "Beta", "Gamma"]).exists()


@pytest.mark.django_db
def test_a_refusal_while_saving_undoes_what_was_written():
    def save_then_refuse(items):
        groups_save(items)
        raise ValidationError("Refused after the first writes")

    with pytest.raises(ValidationError, match="Refused after the first writes"):
        csv_import(text="name,size\nAlpha,1\nBeta,2\n", columns=COLUMNS, row_check=row_check, save=save_then_refuse)
    assert not Group.objects.filter(name__in=["Alpha", "Beta", "Gamma"]).exists()


def test_a_wrong_header_or_an_unreadable_line_is_refused_before_any_row_is_checked():
    checked = []

    def spy(line, row):
        checked.append(line)
        return row_check(line, row)

    with pytest.raises(ValidationError, match="The first line must be the column names: name,size"):
        csv_import(text="title,size\nAlpha,1\n", columns=COLUMNS, row_check=spy, save=groups_save)
    with pytest.raises(ValidationError, match="Line 3: a cell must be 131,072 characters or fewer"):
        csv_import(text="name,size\nAlpha,1\n" + "x" * 200_000 + ",1\n", columns=COLUMNS, row_check=spy, save=groups_save)
    assert checked == []


@pytest.mark.django_db
def test_a_row_check_may_leave_a_row_out():
    saved = csv_import(text="name,size\nAlpha,1\n,2\n", columns=COLUMNS, save=lambda items: items,
                       row_check=lambda line, row: ((row["name"], None) if row["name"] else None, []))
    assert saved == [("Alpha", None)]
