"""The suite's own scheduling (conftest.py): the slowest tests first, and xdist groups that pytest-xdist can see."""

from types import SimpleNamespace

from django.conf import settings

from conftest import SLOW_FIRST, slow_first, xdist_groups_named


def test_every_slow_first_entry_names_a_test_file_and_function_that_exist():
    for prefix in SLOW_FIRST:
        path, _, name = prefix.partition("::")
        source = settings.BASE_DIR / path
        assert source.is_file(), prefix
        assert not name or f"def {name.partition('[')[0]}" in source.read_text(), prefix


def test_the_named_tests_go_first_in_the_list_s_order_and_the_others_keep_theirs():
    names = ["oocr/tests/test_a.py::test_one", f"{SLOW_FIRST[1]}", "cases/tests/test_b.py::test_two",
             f"{SLOW_FIRST[0]}::test_x", "oocr/tests/test_a.py::test_three"]
    items = [SimpleNamespace(nodeid=name) for name in names]
    slow_first(items)
    assert [item.nodeid for item in items] == [names[3], names[1], names[0], names[2], names[4]]


class Item:
    """What xdist_groups_named reads and writes of a pytest item: its markers and its id (pytest 9.2's `_id`)."""

    def __init__(self, node_id, groups):
        self._id, self.groups = node_id, groups

    @property
    def nodeid(self):
        return str(self._id)

    def iter_markers(self, name):
        assert name == "xdist_group"
        return [SimpleNamespace(args=(group,), kwargs={}) for group in self.groups]  # xdist_group("name")


def test_a_grouped_test_s_id_ends_with_its_group_under_loadgroup_only(request):
    parse = type(request.node._id).parse
    grouped = Item(parse("tests/test_x.py::test_y[a]"), ["real-celery-worker"])
    alone = Item(parse("tests/test_x.py::test_z"), [])
    xdist_groups_named(SimpleNamespace(option=SimpleNamespace(loadgroup=False)), [grouped, alone])
    assert grouped.nodeid == "tests/test_x.py::test_y[a]"
    loadgroup = SimpleNamespace(option=SimpleNamespace(loadgroup=True))
    xdist_groups_named(loadgroup, [grouped, alone])
    xdist_groups_named(loadgroup, [grouped, alone])  # once only, however often it runs
    assert (grouped.nodeid, alone.nodeid) == ("tests/test_x.py::test_y[a]@real-celery-worker", "tests/test_x.py::test_z")
