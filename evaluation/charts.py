"""Charts as SVG drawn on the server (matplotlib), each shown beside the table of its figures.

Served as images from their own address, so the page's Content-Security-Policy
(no inline styles) is untouched by the style attributes matplotlib writes.

Every chart draws only what its table shows (disclosure control applied: a hidden group has no bar, and is named
under the chart as hidden), and carries its definition under it, as the table and the CSV do. A published run's
charts are drawn once per run and filters and kept with the run (`ReportChart`): see services.report_chart_get_or_draw.
"""

import hashlib
import io
import textwrap
from functools import cache

# GOV.UK colours: blue, orange, purple, green; black text.
COLOURS = ["#1d70b8", "#f47738", "#4c2c92", "#00703c"]
TEXT = "#0b0c0c"
# The definition's lines a chart carries (all but the rule, which is summed up in one line).
CHART_DEFINITION = ("definition", "start point", "follow-up", "events that count", "waiting period", "as at", "filters",
                    "not yet at follow-up", "doubtful matches waiting for review")


@cache
def pyplot():
    """matplotlib, set up once, when the first chart is drawn (importing it costs every process a second at start-up)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "sans-serif", "font.size": 10, "svg.fonttype": "none", "text.color": TEXT,
                         "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT, "svg.hashsalt": "oocr"})
    return plt


def chart_key(chart: str, measure: str, filters: list[tuple[str, str]], breakdown: str) -> str:
    """A short stable key for a chart of given figures: the same measure, filters and breakdown, the same key."""
    text = repr((chart, measure, sorted(filters), breakdown))
    return f"{chart}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def _footnote(axes, definition: list[tuple[str, str]], hidden: list[str]) -> None:
    """The definition under the chart, in small type (bbox_inches="tight" makes room for it)."""
    from evaluation import disclosure

    lines = [f"{name[0].upper()}{name[1:]}: {value}" for name, value in definition if name in CHART_DEFINITION]
    if hidden:
        lines.append(f"Not drawn ({disclosure.fewer_than()} or withheld): {', '.join(hidden)}")
    lines.append(f"Counts below {disclosure.threshold()}, and the figures built on them, are not shown.")
    wrapped = [part for line in lines for part in textwrap.wrap(line, 120)]
    axes.text(0, -0.22, "\n".join(wrapped), transform=axes.transAxes, fontsize=7, va="top", ha="left")


def _svg(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    pyplot().close(figure)
    return buffer.getvalue()


def _short(label: str) -> str:
    return label.split(":")[0].replace("All who started (agreed to take part)", "All who started")


def _shown_rows(table, columns: tuple[int, ...]):
    """Rows of a FigureTable whose figures in `columns` are all shown, and the labels of the others."""
    shown, hidden = [], []
    for row in table.rows:
        (hidden if any(row[i].hidden for i in columns) or any(row[i].value is None for i in columns) else shown).append(row)
    return shown, [_short(row[0].value) for row in hidden]


def _bars_with_intervals(axes, rows, share: int, interval: int) -> None:
    labels = [_short(row[0].value) for row in rows]
    values = [100 * row[share].value for row in rows]
    errors = [[100 * (row[share].value - row[interval].value[0]) for row in rows],
              [100 * (row[interval].value[1] - row[share].value) for row in rows]]
    axes.barh(labels, values, xerr=errors, color=[COLOURS[i % 4] for i in range(len(rows))], capsize=4)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.spines[["top", "right"]].set_visible(False)


def reoffending_chart(report, tables, definition) -> bytes:
    """The share reoffending in each group, with its Wilson 95% interval."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.2))
    rows, hidden = _shown_rows(tables["groups"], (3, 4))
    _bars_with_intervals(axes, rows, 3, 4)
    axes.set_xlabel("Reoffended within the follow-up (%), with 95% interval")
    axes.set_title(f"Reoffending within {report.months} months, by group", fontsize=10, loc="left")
    _footnote(axes, definition, hidden)
    return _svg(figure)


def survival_chart(report, tables, definition) -> bytes:
    """Kaplan-Meier: the share not yet reoffending, by days since the start, for each group whose curve is shown."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.4))
    shown_labels = {row[0].value for row in tables["survival"].rows if not row[1].hidden}
    hidden = [_short(row[0].value) for row in tables["survival"].rows if row[1].hidden]
    for colour, group in zip(COLOURS, [g for g in report.groups if g.key != "started" and g.label in shown_labels]):
        if group.survival:
            axes.step([p.day for p in group.survival], [100 * p.still_not_reoffended for p in group.survival],
                      where="post", color=colour, label=_short(group.label))
    axes.set_xlabel("Days since the start")
    axes.set_ylabel("Not yet reoffended (%)")
    axes.set_ylim(0, 101)
    axes.set_title("Time to first reoffence (Kaplan-Meier)", fontsize=10, loc="left")
    if axes.get_legend_handles_labels()[0]:
        axes.legend(frameon=False, loc="lower left")
    axes.spines[["top", "right"]].set_visible(False)
    _footnote(axes, definition, hidden)
    return _svg(figure)


def harm_chart(report, tables, definition) -> bytes:
    """Mean crime harm per person before the index offence and after the start, in days."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.2))
    rows, hidden = _shown_rows(tables["harm"], (2, 3))
    positions = range(len(rows))
    axes.bar([p - 0.2 for p in positions], [row[2].value for row in rows], width=0.4, color=COLOURS[0], label="Before")
    axes.bar([p + 0.2 for p in positions], [row[3].value for row in rows], width=0.4, color=COLOURS[1], label="After")
    axes.set_xticks(list(positions), [_short(row[0].value) for row in rows])
    axes.set_ylabel("Harm per person (days)")
    axes.set_title("Crime harm per person, before and after", fontsize=10, loc="left")
    if rows:
        axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    _footnote(axes, definition, hidden)
    return _svg(figure)


def trend_chart(report, tables, definition) -> bytes:
    """Completion, breach and reoffending by quarter, each with its 95% interval (quarters hidden are left out)."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.4))
    table = tables["trend"]
    labels = [row[0].value for row in table.rows]
    hidden = []
    for number, (name, share) in enumerate((("Completion", 3), ("Breach", 6), ("Reoffending", 9))):
        points = [(i, row[share].value, row[share + 1].value) for i, row in enumerate(table.rows)
                  if not row[share].hidden and row[share].value is not None]
        if not points:
            hidden.append(name.lower())
            continue
        xs = [i for i, _, _ in points]
        ys = [100 * value for _, value, _ in points]
        errors = [[100 * (value - low) for _, value, (low, _) in points], [100 * (high - value) for _, value, (_, high) in points]]
        axes.errorbar(xs, ys, yerr=errors, color=COLOURS[number], label=name, capsize=3, marker="o", markersize=3)
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    axes.set_ylim(0, 100)
    axes.set_ylabel("Share (%), with 95% interval")
    axes.set_title("By quarter: completion, breach and reoffending", fontsize=10, loc="left")
    if axes.get_legend_handles_labels()[0]:
        axes.legend(frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    _footnote(axes, definition, hidden)
    return _svg(figure)


def breakdown_chart(report, tables, definition) -> bytes:
    """Among those who started: the share reoffending in each category of the breakdown, side by side with intervals."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.4))
    table = tables.get("breakdown")
    rows, hidden = _shown_rows(table, (3, 4)) if table else ([], [])
    _bars_with_intervals(axes, rows, 3, 4)
    axes.set_xlabel("Reoffended within the follow-up (%), those who started, with 95% interval")
    axes.set_title(table.title if table else "Choose a breakdown", fontsize=10, loc="left")
    _footnote(axes, definition, hidden)
    return _svg(figure)


def distance_chart(table) -> bytes:
    """Mean reduction in each need domain's score between the first and the closing assessment (domains with fewer
    people than the threshold left out)."""
    rows, hidden = _shown_rows(table, (1,))
    figure, axes = pyplot().subplots(figsize=(6.4, max(2.0, 0.35 * len(rows) + 0.8)))
    axes.barh([row[0].value for row in rows], [row[1].value for row in rows], color=COLOURS[3])
    axes.invert_yaxis()
    axes.axvline(0, color=TEXT, linewidth=0.8)
    axes.set_xlabel("Mean reduction in score (0 to 3)")
    axes.set_title("Distance travelled: first to closing needs assessment", fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    _footnote(axes, [("definition", "every case with both a first and a closing needs assessment, whenever it closed; "
                                    "the reduction is the first score minus the closing score (0 to 3)")], hidden)
    return _svg(figure)


CHARTS = {"reoffending": reoffending_chart, "survival": survival_chart, "harm": harm_chart, "trend": trend_chart,
          "breakdown": breakdown_chart}


def draw(chart: str, report, figure_tables, definition) -> bytes:
    """One chart of the report; `figure_tables` makes the report's tables (called only here, when a chart is drawn)."""
    return CHARTS[chart](report, figure_tables() if callable(figure_tables) else figure_tables, definition)
