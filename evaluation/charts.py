"""Charts as SVG drawn on the server (matplotlib), each shown beside the table of its figures.

Served as images from their own address, so the page's Content-Security-Policy
(no inline styles) is untouched by the style attributes matplotlib writes.
"""

import io
from functools import cache

# GOV.UK colours: blue, orange, purple, green; black text.
COLOURS = ["#1d70b8", "#f47738", "#4c2c92", "#00703c"]
TEXT = "#0b0c0c"


@cache
def pyplot():
    """matplotlib, set up once, when the first chart is drawn (importing it costs every process a second at start-up)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "sans-serif", "font.size": 10, "svg.fonttype": "none", "text.color": TEXT,
                         "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT, "svg.hashsalt": "oocr"})
    return plt


def _svg(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    pyplot().close(figure)
    return buffer.getvalue()


def reoffending_chart(report) -> bytes:
    """The share reoffending in each group, with its Wilson 95% interval."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.2))
    groups = [g for g in report.groups if g.reoffending.n]
    labels = [g.label.split(":")[0] for g in groups]
    values = [100 * g.reoffending.value for g in groups]
    errors = [[100 * (g.reoffending.value - g.reoffending.low) for g in groups],
              [100 * (g.reoffending.high - g.reoffending.value) for g in groups]]
    axes.barh(labels, values, xerr=errors, color=COLOURS[: len(groups)], capsize=4)
    axes.invert_yaxis()
    axes.set_xlabel("Reoffended within the follow-up (%), with 95% interval")
    axes.set_xlim(0, 100)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def survival_chart(report) -> bytes:
    """Kaplan-Meier: the share not yet reoffending, by days since the start, for each group."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.4))
    for colour, group in zip(COLOURS, [g for g in report.groups if g.key != "started"]):
        if group.survival:
            axes.step([p.day for p in group.survival], [100 * p.still_not_reoffended for p in group.survival],
                      where="post", color=colour, label=group.label.split(":")[0])
    axes.set_xlabel("Days since the start")
    axes.set_ylabel("Not yet reoffended (%)")
    axes.set_ylim(0, 101)
    axes.legend(frameon=False, loc="lower left")
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def harm_chart(report) -> bytes:
    """Mean crime harm per person before the index offence and after the start, in days."""
    figure, axes = pyplot().subplots(figsize=(6.4, 3.2))
    groups = [g for g in report.groups if g.harm_after.n]
    positions = range(len(groups))
    axes.bar([p - 0.2 for p in positions], [g.harm_before.mean for g in groups], width=0.4, color=COLOURS[0], label="Before")
    axes.bar([p + 0.2 for p in positions], [g.harm_after.mean for g in groups], width=0.4, color=COLOURS[1], label="After")
    axes.set_xticks(list(positions), [g.label.split(":")[0].replace("All who started (agreed to take part)", "All who started")
                                      for g in groups])
    axes.set_ylabel("Harm per person (days)")
    axes.legend(frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


def distance_chart(distance: list[tuple[str, float, int]]) -> bytes:
    """Mean reduction in each need domain's score between the first and the closing assessment."""
    figure, axes = pyplot().subplots(figsize=(6.4, max(2.0, 0.35 * len(distance) + 0.8)))
    axes.barh([name for name, _, _ in distance], [change for _, change, _ in distance], color=COLOURS[3])
    axes.invert_yaxis()
    axes.axvline(0, color=TEXT, linewidth=0.8)
    axes.set_xlabel("Mean reduction in score (0 to 3)")
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


CHARTS = {"reoffending": reoffending_chart, "survival": survival_chart, "harm": harm_chart}
