"""Queries the ORM builds and compiles once a process, then runs with each request's values.

The caseload spent about half its CPU building and compiling the same query, with its ten annotated subqueries,
on every request: only the keyworker, the time and the dates worked out from it changed (python -m bench.profile).
A prepared query is written with the ORM as usual, with a `Slot` wherever such a value goes. The first run of each
shape (`build`'s keyword arguments: a tab, a sort, a page's offset) builds and compiles it; every later run copies
the compiled statement, puts the values into its slots and lets the ORM turn the rows into objects as it always does
(select_related, annotations and converters included).

Only what changes the SQL text may be a shape argument; everything else must be a slot, or the first request's
values would be served to the next. `keyworkers/tests/test_prepared_lists.py` and
`cases/tests/test_case_detail_prepared.py` hold each prepared query to the plain ORM's rows.
"""

import copy
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import reduce
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, Field, IntegerField, Q, QuerySet, Value
from django.utils import timezone


class Slot(Expression):
    """A value a prepared query is given when it runs (`PreparedQuery.rows`'s `values[name]`), not when it is built."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", (_Param(self.name),)


class _Param:
    """Where a slot's value goes in the compiled parameters."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f"<slot {self.name}>"


def aggregate_row(queryset: QuerySet, **aggregates) -> QuerySet:
    """What `queryset.aggregate(**aggregates)` runs, as a queryset a prepared query can compile (`aggregate` runs at
    once): one row of the aggregates, grouped by a constant, which adds no GROUP BY."""
    return queryset.order_by().values(whole=Value(1)).annotate(**aggregates).values(*aggregates)


def slots_of(names_fields: Mapping[str, Field]) -> dict[str, Slot]:
    return {name: Slot(name, output_field) for name, output_field in names_fields.items()}


def any_of(column: str, name: str, count: int) -> Q:
    """`column` equal to one of `count` ids given as `any_of_values(name, ids)`: `__in` for a prepared query, whose
    shape is then the count (a foreign key's `__in` takes no slots: it prepares each value as a number)."""
    return reduce(operator.or_, (Q(**{column: Slot(f"{name}{index}", IntegerField())}) for index in range(count)))


def any_of_values(name: str, ids: Iterable[int]) -> dict[str, int]:
    return {f"{name}{index}": id_ for index, id_ in enumerate(ids)}


# Shapes kept a query; more (pages far down a long list) start the cache again rather than grow it without end.
MAX_SHAPES = 256


class PreparedQuery:
    """`build(**shape)` returns the queryset, its changing values `Slot`s; `rows(values, **shape)` runs it."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[tuple, tuple] = {}  # shape -> (queryset, compiler, sql, params)

    def rows(self, values: Mapping[str, Any], **shape) -> list:
        queryset, compiler, sql, params = self._prepared(shape)
        filled = tuple(values[param.name] if isinstance(param, _Param) else param for param in params)
        run = copy.copy(compiler)
        run.connection = connections[queryset.db]  # this thread's connection, not the one it was compiled on
        run.as_sql = lambda *args, **kwargs: (sql, filled)
        queryset = queryset._chain()
        # Only this private copy answers with the prepared compiler: the ORM's iterables ask it for one.
        queryset.query.get_compiler = lambda *args, **kwargs: run
        return list(queryset)

    def _prepared(self, shape: dict) -> tuple:
        # The SQL text also depends on the database and on the time zone (date transforms name it).
        key = (*sorted(shape.items()), connections[DEFAULT_DB_ALIAS].vendor, timezone.get_current_timezone_name())
        prepared = self._compiled.get(key)
        if prepared is None:
            if len(self._compiled) >= MAX_SHAPES:
                self._compiled.clear()
            queryset = self.build(**shape)
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()
            prepared = self._compiled[key] = (queryset, compiler, sql, tuple(params))
        return prepared


def prefetched(instance, name: str, rows: list) -> None:
    """Keep `rows` as `instance.<name>.all()`, as `prefetch_related` keeps what it fetched (prefetch_one_level):
    a queryset of the relation holding the rows, and on each row of a reverse foreign key its instance, so that
    neither is queried again. For rows a prepared query fetched, which `prefetch_related` cannot give."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache, queryset._prefetch_done = rows, True
    many_to_many = hasattr(manager, "prefetch_cache_name")
    if not many_to_many:
        for row in rows:
            manager.field.set_cached_value(row, instance)
    cache_name = manager.prefetch_cache_name if many_to_many else manager.field.remote_field.cache_name
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset


class PreparedPages(Sequence):
    """A list page's rows as Django's paginator asks for them (`object_list[bottom:top]`): each slice runs the
    prepared query for a whole page from its first row (`offset` and `limit` shape arguments; the last page's slice
    stops at the count, which gives the same rows). The count is given: the page counts it as it likes."""

    def __init__(self, query: PreparedQuery, values: Mapping[str, Any], *, count: int, page_size: int, **shape):
        self.query, self.values, self.count, self.page_size, self.shape = query, values, count, page_size, shape

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step:
            raise TypeError("prepared rows are read a page at a time")
        return self.query.rows(self.values, offset=index.start or 0, limit=self.page_size, **self.shape)
