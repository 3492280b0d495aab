"""Disclosure control: nothing small enough to identify a person leaves the product.

Every figure the evaluation pages show or export goes through here. Pure functions of counts: no database.

Primary suppression: a count below the threshold (settings.DISCLOSURE_THRESHOLD, 10 by default; zero included,
since "none of the 4 people in this area reoffended" says something about each of them) is shown as
"fewer than 10", and so is every rate, mean or interval built on it.

Secondary suppression: a shown total, or a complement, must not let a reader work a hidden count out again. A share
"k of n" also shows n - k (those who did not reoffend), so it is hidden when either k or n - k is small. In a table
with totals, every line (a row with its total, a column with its total) that holds exactly one hidden cell gets a
second one hidden (the smallest other count, else the total), until no line holds exactly one. A second-hidden count
is not small, so it is shown as "withheld", never as "fewer than 10", which would be untrue.

Groups inside another (those who completed, and breached, inside all who started) are not a table: the enclosing
group is withheld when, less the shown groups inside it, it would give back a small group (`remainder_small`).

Use `suppress_table` for any table of counts with totals (a breakdown is a table with one count column, or two:
event and no event), `share` for a single rate with its interval, and `Cell.text` for what a page or a CSV shows.
"""

from dataclasses import dataclass, field

from django.conf import settings

PRIMARY = "primary"
SECONDARY = "secondary"


def threshold() -> int:
    """The smallest count shown (settings.DISCLOSURE_THRESHOLD, 10 by default; 0 shows everything)."""
    return int(getattr(settings, "DISCLOSURE_THRESHOLD", 10))


def fewer_than(limit: int | None = None) -> str:
    return f"fewer than {threshold() if limit is None else limit}"


WITHHELD = "withheld"


def rule_statement(limit: int | None = None) -> str:
    """The rule in a sentence, for the report and the first lines of a download."""
    limit = threshold() if limit is None else limit
    return (f"Counts below {limit} (including none), and the rates, means and intervals built on them, are shown as "
            f"\"fewer than {limit}\". Where a total or the rest of a group would let a hidden count be worked out, "
            f"another figure is hidden too and shown as \"{WITHHELD}\"; so is a group that would give back a small group "
            f"inside it by subtraction.")


def is_small(count: int | None, limit: int | None = None) -> bool:
    """A count that is shown as "fewer than 10" (None, an unknown count, is not small: nothing is shown for it)."""
    return count is not None and count < (threshold() if limit is None else limit)


def hidden_text(suppressed: str, limit: int) -> str:
    """What stands in place of a hidden figure: "fewer than 10" (small itself) or "withheld" (would reveal one)."""
    if suppressed == PRIMARY:
        return fewer_than(limit)
    if suppressed == SECONDARY:
        return WITHHELD
    return ""


@dataclass(frozen=True)
class Cell:
    """One count as it may be shown: its value, and why it is hidden ("" when it is shown)."""

    value: int | None
    suppressed: str = ""
    limit: int = 10

    @property
    def shown(self) -> bool:
        return not self.suppressed

    @property
    def text(self) -> str:
        """What a page or a CSV cell shows."""
        if self.suppressed:
            return hidden_text(self.suppressed, self.limit)
        return "" if self.value is None else f"{self.value}"

    def __str__(self) -> str:
        return self.text


def cell(count: int | None, limit: int | None = None) -> Cell:
    """A lone count: hidden when small."""
    limit = threshold() if limit is None else limit
    return Cell(count, PRIMARY if is_small(count, limit) else "", limit)


@dataclass(frozen=True)
class Share:
    """A share "count of n" with what may be shown of it: the count, n, and whether the rate and interval may be."""

    count: Cell
    n: Cell
    suppressed: str = ""
    limit: int = 10

    @property
    def shown(self) -> bool:
        return not self.suppressed

    @property
    def text(self) -> str:
        """What stands in place of the rate and its interval when they are hidden; empty when they are shown."""
        return hidden_text(self.suppressed, self.limit)


def share(count: int, n: int, limit: int | None = None) -> Share:
    """A share, hidden when the count, the group or the rest of the group (n - count) is small.

    The group small, or the count: primary (the rate rests on fewer than 10). The count fine but the rest small
    (48 of 50 reoffended): the rate would reveal the 2 who did not, so the count and rate are hidden as secondary;
    n is still shown.
    """
    limit = threshold() if limit is None else limit
    if is_small(n, limit):
        return Share(Cell(count, PRIMARY, limit), Cell(n, PRIMARY, limit), PRIMARY, limit)
    if is_small(count, limit):
        return Share(Cell(count, PRIMARY, limit), Cell(n, "", limit), PRIMARY, limit)
    if is_small(n - count, limit):
        return Share(Cell(count, SECONDARY, limit), Cell(n, "", limit), SECONDARY, limit)
    return Share(Cell(count, "", limit), Cell(n, "", limit), "", limit)


def withheld(shown: Share) -> Share:
    """The same share withheld, its group's size too: shown, it would let a reader work a small group out from
    others (an enclosing group, `remainder_small`). A figure hidden as small stays "fewer than 10"."""
    return Share(Cell(shown.count.value, shown.count.suppressed or SECONDARY, shown.limit),
                 Cell(shown.n.value, shown.n.suppressed or SECONDARY, shown.limit), shown.suppressed or SECONDARY, shown.limit)


def remainder_small(total: tuple[int, int], parts: list[tuple[int | None, int | None]], limit: int | None = None) -> bool:
    """Whether a group shown beside the groups inside it would give back a small group by subtraction.

    Pairs are (count, n), a part's figure None where it is hidden. "All who started" less "Completed" and
    "Breached" is those who withdrew after starting (and any hidden part): when what is left is not empty and is
    small, or its count or the rest of it is, the enclosing group must be withheld.
    """
    limit = threshold() if limit is None else limit
    n = total[1] - sum(part[1] for part in parts if part[1] is not None)
    count = total[0] - sum(part[0] for part in parts if part[0] is not None)
    return n > 0 and (is_small(n, limit) or is_small(count, limit) or is_small(n - count, limit))


def enclosing_withheld(*, pairs: list[tuple[tuple[int, int], list[tuple[int | None, int | None]]]],
                       counts: list[tuple[int, list[int | None]]], limit: int | None = None) -> bool:
    """Whether a group shown beside the groups inside it, as they are shown, would give back a small group by
    subtraction; each of its figures comes with the same figure of each group inside it, None where that is hidden.

    A pair (count, n), such as a share or a curve's reoffences and people, through `remainder_small`; a lone count
    (those censored, those at risk at a milestone), when it is shown itself, through what is left of it being more
    than none and fewer than the threshold.
    """
    limit = threshold() if limit is None else limit
    if any(remainder_small(total, parts, limit) for total, parts in pairs):
        return True
    return any(not is_small(total, limit) and 0 < total - sum(part for part in parts if part is not None) < limit
               for total, parts in counts)


def group_shown(n: int, limit: int | None = None) -> bool:
    """A mean or a survival figure over a group: shown only when the group reaches the threshold."""
    return not is_small(n, limit)


@dataclass
class Table:
    """A table of counts after suppression: the cells, each row's total, each column's total and the grand total.

    Totals are None where the table has none.
    """

    cells: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None
    limit: int = 10
    notes: list[str] = field(default_factory=list)

    @property
    def any_suppressed(self) -> bool:
        every = [c for row in self.cells for c in row] + (self.row_totals or []) + (self.column_totals or [])
        if self.grand_total is not None:
            every.append(self.grand_total)
        return any(c.suppressed for c in every)


def suppress_table(counts: list[list[int]], *, row_totals: bool = True, column_totals: bool = True,
                   limit: int | None = None) -> Table:
    """Primary then secondary suppression of a table of counts with the totals it shows.

    `counts` is rows by columns of whole counts, every cell a part of its row's and its column's total (no person
    in two rows). Each line that holds exactly one hidden figure, of the lines a reader can add up (a row and its
    total, a column and its total, the totals and the grand total), gets its smallest other shown count hidden
    too (a total only when nothing else in the line is left); so does a line whose shown total gives back hidden
    parts that add up to fewer than the threshold (two groups of 2 and 1 hidden, but 3 by subtraction); repeated
    until no such line remains.
    """
    limit = threshold() if limit is None else limit
    n_rows = len(counts)
    n_cols = len(counts[0]) if counts else 0
    if any(len(row) != n_cols for row in counts):
        raise ValueError("Every row of a table needs the same number of columns.")
    # The whole table as a grid with its margins: cell (i, j); row total (i, n_cols); column total (n_rows, j);
    # grand total (n_rows, n_cols). Margins the table does not show are left out of every line.
    values: dict[tuple[int, int], int] = {(i, j): counts[i][j] for i in range(n_rows) for j in range(n_cols)}
    if row_totals:
        for i in range(n_rows):
            values[(i, n_cols)] = sum(counts[i])
    if column_totals:
        for j in range(n_cols):
            values[(n_rows, j)] = sum(counts[i][j] for i in range(n_rows))
    if row_totals and column_totals:
        values[(n_rows, n_cols)] = sum(map(sum, counts))
    hidden: dict[tuple[int, int], str] = {key: PRIMARY for key, value in values.items() if value < limit}

    # Each line: its parts and the total they add up to.
    lines: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    if row_totals:
        lines += [([(i, j) for j in range(n_cols)], (i, n_cols)) for i in range(n_rows)]
        if column_totals:
            lines.append(([(i, n_cols) for i in range(n_rows)], (n_rows, n_cols)))
    if column_totals:
        lines += [([(i, j) for i in range(n_rows)], (n_rows, j)) for j in range(n_cols)]
        if row_totals:
            lines.append(([(n_rows, j) for j in range(n_cols)], (n_rows, n_cols)))

    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            members = parts + [total]
            hidden_parts = [key for key in parts if key in hidden]
            # With the total shown, the hidden parts add up to the total less the shown ones: one hidden figure is
            # given back exactly, and several whose sum is small give back a small group (or zeros) together.
            if not (sum(1 for key in members if key in hidden) == 1
                    or (total not in hidden and hidden_parts and sum(values[key] for key in hidden_parts) < limit)):
                continue
            candidates = sorted((values[key], key) for key in parts if key not in hidden)
            pick = candidates[0][1] if candidates else total
            if pick in hidden:  # the total is the one hidden figure and no part is left: nothing to add up
                continue
            hidden[pick] = SECONDARY
            changed = True

    def as_cell(key: tuple[int, int]) -> Cell:
        return Cell(values[key], hidden.get(key, ""), limit)

    return Table(
        cells=[[as_cell((i, j)) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[as_cell((i, n_cols)) for i in range(n_rows)] if row_totals else None,
        column_totals=[as_cell((n_rows, j)) for j in range(n_cols)] if column_totals else None,
        grand_total=as_cell((n_rows, n_cols)) if row_totals and column_totals else None,
        limit=limit,
    )


def suppress_counts(counts: list[int], *, total: bool = True, limit: int | None = None) -> tuple[list[Cell], Cell | None]:
    """A list of counts (a breakdown's groups) and, when shown, their total: the one-column table."""
    if not counts:  # nothing to break down: a total of none, hidden as small
        return [], (cell(0, limit) if total else None)
    table = suppress_table([[count] for count in counts], row_totals=False, column_totals=total, limit=limit)
    return [row[0] for row in table.cells], (table.column_totals[0] if total else None)


def suppress_shares(pairs: list[tuple[int, int]], *, total: bool = True,
                    limit: int | None = None) -> tuple[list[Share], Share | None]:
    """Shares "count of n" in groups that add up (a breakdown by area, route...), with the overall share when shown.

    The table behind it has two columns, the count and the rest (n - count), and each group's n as the row total:
    so a small complement is hidden as surely as a small count, and a total cannot give back a hidden group.
    A group's rate is shown only when both of its parts are.
    """
    limit = threshold() if limit is None else limit
    if not pairs:  # nothing to break down
        return [], (share(0, 0, limit) if total else None)
    table = suppress_table([[count, n - count] for count, n in pairs], row_totals=True, column_totals=total, limit=limit)

    def as_share(count_cell: Cell, rest_cell: Cell, n_cell: Cell) -> Share:
        kinds = {count_cell.suppressed, rest_cell.suppressed, n_cell.suppressed} - {""}
        # Every row line holds none or two or more hidden figures, so a shown count here never gives one back.
        kind = PRIMARY if PRIMARY in kinds else (SECONDARY if kinds else "")
        return Share(count_cell, n_cell, kind, limit)

    shares = [as_share(row[0], row[1], table.row_totals[i]) for i, row in enumerate(table.cells)]
    overall = None
    if total:
        overall = as_share(table.column_totals[0], table.column_totals[1], table.grand_total)
    return shares, overall


def curve_hidden(people: int, events: int, limit: int | None = None) -> str:
    """What stands for a group's survival curve and the figures read from it (empty when they are shown): a curve is
    shown only when the group, those who reoffended and those who did not all reach the threshold (its last step
    would otherwise give back a small count)."""
    limit = threshold() if limit is None else limit
    if all(group_shown(n, limit) for n in (people, events, people - events)):
        return ""
    return fewer_than(limit)
