"""The CONSORT 2010 flow diagram of a trial, counted from the data: enrolment, allocation, follow-up, analysis.

`consort_of` counts (one query per kind of record, whatever the size); `consort_layout` places the boxes of the
diagram (drawn as SVG by templates/trials/partials/consort_svg.html, with a title and description for screen
readers, and the same figures in a table beside it); `consort_rows` are the same figures for the CSV.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from cases.models import Case, EligibilityAssessment
from evaluation.models import ReoffendingCheckRun, ReoffendingResult
from trials.eligibility import FAIL, trial_eligibility
from trials.models import Trial, TrialArm
from trials.selectors import allocation_rows

SCHEME_RULES = "Did not meet the scheme's rules"
NOT_RANDOMISED = "Eligible, but not randomised"


@dataclass
class ArmFlow:
    arm: TrialArm
    allocated: int = 0
    received: int = 0
    not_received: Counter = field(default_factory=Counter)
    not_yet_known: int = 0
    excluded: Counter = field(default_factory=Counter)
    not_followed_up: int = 0
    analysed: int = 0

    @property
    def not_received_total(self) -> int:
        return sum(self.not_received.values())

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())


@dataclass
class Consort:
    trial: Trial
    assessed: int
    not_randomised: Counter
    randomised: int
    arms: list[ArmFlow]
    follow_up: str  # which outcome's follow-up the "analysed" boxes count

    @property
    def not_randomised_total(self) -> int:
        return sum(self.not_randomised.values())


def _period(trial: Trial, today: date) -> tuple[date, date]:
    ends = [today, *(day for day in (trial.stop_date, trial.stopped_at and timezone.localdate(trial.stopped_at)) if day)]
    return trial.start_date, min(ends)


def followed_up_cases(*, definition_id: int | None, months: int | None) -> set[int] | None:
    """Cases whose follow-up is reached in the definition's published check; None without a published check."""
    if definition_id is None or not ReoffendingCheckRun.objects.filter(
            definition_id=definition_id, status=ReoffendingCheckRun.Status.PUBLISHED).exists():
        return None
    results = ReoffendingResult.objects.filter(run__definition_id=definition_id, run__status=ReoffendingCheckRun.Status.PUBLISHED,
                                               follow_up_months=months, reached_follow_up=True)
    return set(results.values_list("case_id", flat=True))


def consort_of(*, trial: Trial, followed_up: set[int] | None, follow_up: str = "", today: date | None = None) -> Consort:
    from trials.services import criteria_of, submission_of

    today = today or timezone.localdate()
    rows = allocation_rows(trial=trial, today=today)
    randomised_ids = {row.allocation.case_id for row in rows}
    start, end = _period(trial, today)
    assessed = (Case.objects.exclude(status=Case.Status.DRAFT)
                .filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
                .exclude(pk__in=randomised_ids)
                .select_related("baseline")
                .prefetch_related(Prefetch("eligibility_assessments", queryset=EligibilityAssessment.objects.order_by("-assessed_at", "-id"))))
    criteria = criteria_of(trial)
    reasons: Counter = Counter()
    for case in assessed:
        submission = submission_of(case) if case.status != Case.Status.INELIGIBLE else None
        if submission is None:
            reasons[SCHEME_RULES] += 1
            continue
        failed = [result for result in trial_eligibility(submission, criteria) if result.outcome == FAIL]
        if failed and failed[0].code == "scheme":
            reasons[SCHEME_RULES] += 1
        elif failed:
            reasons[f"Did not meet the trial's criteria: {failed[0].name.lower()}"] += 1
        else:
            reasons[NOT_RANDOMISED] += 1
    flows = {arm.pk: ArmFlow(arm) for arm in trial.arms.all()}
    for row in rows:
        flow = flows[row.allocation.arm_id]
        flow.allocated += 1
        if row.treatment.received is True:
            flow.received += 1
        elif row.treatment.received is False:
            flow.not_received[row.treatment.category] += 1
        else:
            flow.not_yet_known += 1
        exclusion = getattr(row.allocation, "exclusion", None)
        if exclusion is not None:
            flow.excluded[exclusion.get_reason_display()] += 1
        elif followed_up is None or row.allocation.case_id not in followed_up:
            flow.not_followed_up += 1
        else:
            flow.analysed += 1
    return Consort(trial=trial, assessed=len(randomised_ids) + sum(reasons.values()), not_randomised=reasons,
                   randomised=len(rows), arms=list(flows.values()), follow_up=follow_up)


def consort_rows(consort: Consort) -> list[list]:
    """stage, arm, what, number: every figure of the diagram, in its order."""
    rows = [["Enrolment", "", "Assessed for eligibility", consort.assessed],
            ["Enrolment", "", "Excluded before randomisation", consort.not_randomised_total]]
    rows += [["Enrolment", "", f"Excluded: {reason}", count] for reason, count in sorted(consort.not_randomised.items())]
    rows.append(["Enrolment", "", "Randomised", consort.randomised])
    for flow in consort.arms:
        name = flow.arm.name
        rows += [["Allocation", name, "Allocated", flow.allocated],
                 ["Allocation", name, "Received the allocated intervention", flow.received],
                 ["Allocation", name, "Did not receive the allocated intervention", flow.not_received_total]]
        rows += [["Allocation", name, f"Did not receive: {reason}", count] for reason, count in sorted(flow.not_received.items())]
        rows += [["Allocation", name, "Not yet known (within the treatment window)", flow.not_yet_known],
                 ["Follow-up", name, "Excluded after randomisation", flow.excluded_total]]
        rows += [["Follow-up", name, f"Excluded: {reason}", count] for reason, count in sorted(flow.excluded.items())]
        rows += [["Follow-up", name, "Not yet at follow-up, or lost to follow-up", flow.not_followed_up],
                 ["Analysis", name, "Analysed", flow.analysed]]
    return rows


# --- The drawing -----------------------------------------------------------------------------------------------

LINE_HEIGHT = 18
PADDING = 10
BOX_WIDTH = 300
GAP = 40
CHARS_PER_LINE = 40


@dataclass
class Box:
    x: int
    y: int
    width: int
    lines: list[str]

    @property
    def height(self) -> int:
        return PADDING * 2 + LINE_HEIGHT * len(self.lines)

    @property
    def text_rows(self) -> list[tuple[int, str]]:
        return [(self.y + PADDING + LINE_HEIGHT * (index + 1) - 4, line) for index, line in enumerate(self.lines)]


def _wrap(text: str) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > CHARS_PER_LINE:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _lines(*items: str) -> list[str]:
    return [line for item in items for line in _wrap(item)]


@dataclass
class Layout:
    width: int
    height: int
    boxes: list[Box]
    arrows: list[tuple[int, int, int, int]]
    stages: list[tuple[int, str]]  # y, label down the left side


def consort_layout(consort: Consort) -> Layout:
    columns = max(len(consort.arms), 2)
    left = 40
    centre = left + (columns * BOX_WIDTH + (columns - 1) * GAP) // 2
    # Wide enough for the arms side by side, and for the box of exclusions to the right of the enrolment column.
    width = max(left + columns * BOX_WIDTH + (columns - 1) * GAP, centre + BOX_WIDTH // 2 + GAP + BOX_WIDTH) + 20
    boxes, arrows, stages = [], [], []
    assessed = Box(centre - BOX_WIDTH // 2, 20, BOX_WIDTH, _lines(f"Assessed for eligibility (n = {consort.assessed})"))
    excluded = Box(centre + BOX_WIDTH // 2 + GAP, assessed.y + assessed.height + 20, BOX_WIDTH,
                   _lines(f"Excluded (n = {consort.not_randomised_total})",
                          *(f"• {reason} (n = {count})" for reason, count in sorted(consort.not_randomised.items()))))
    randomised_y = excluded.y + excluded.height + 20
    randomised = Box(centre - BOX_WIDTH // 2, randomised_y, BOX_WIDTH, _lines(f"Randomised (n = {consort.randomised})"))
    boxes += [assessed, excluded, randomised]
    arrows += [(centre, assessed.y + assessed.height, centre, randomised.y),
               (centre, excluded.y + excluded.height // 2, excluded.x, excluded.y + excluded.height // 2)]
    stages.append((assessed.y + 14, "Enrolment"))
    rows = [[] for _ in range(3)]
    for index, flow in enumerate(consort.arms):
        x = left + index * (BOX_WIDTH + GAP)
        rows[0].append(Box(x, 0, BOX_WIDTH, _lines(
            f"Allocated to {flow.arm.name} (n = {flow.allocated})",
            f"• Received the allocated intervention (n = {flow.received})",
            f"• Did not receive it (n = {flow.not_received_total})",
            *(f"  – {reason} (n = {count})" for reason, count in sorted(flow.not_received.items())),
            *([f"• Not yet known (n = {flow.not_yet_known})"] if flow.not_yet_known else []))))
        rows[1].append(Box(x, 0, BOX_WIDTH, _lines(
            f"Not yet at follow-up, or lost to follow-up (n = {flow.not_followed_up})",
            f"Excluded after randomisation (n = {flow.excluded_total})",
            *(f"• {reason} (n = {count})" for reason, count in sorted(flow.excluded.items())))))
        rows[2].append(Box(x, 0, BOX_WIDTH, _lines(f"Analysed (n = {flow.analysed})")))
    y = randomised.y + randomised.height + GAP
    for label, row in zip(["Allocation", "Follow-up", "Analysis"], rows):
        height = max(box.height for box in row)
        for box in row:
            box.y = y
            box.lines += [""] * ((height - box.height) // LINE_HEIGHT)
        stages.append((y + 14, label))
        y += height + GAP
    for index, box in enumerate(rows[0]):
        middle = box.x + BOX_WIDTH // 2
        arrows.append((centre, randomised.y + randomised.height, middle, box.y))
        arrows.append((middle, box.y + box.height, middle, rows[1][index].y))
        arrows.append((middle, rows[1][index].y + rows[1][index].height, middle, rows[2][index].y))
    boxes += [box for row in rows for box in row]
    return Layout(width=width, height=y, boxes=boxes, arrows=arrows, stages=stages)


def consort_description(consort: Consort) -> str:
    """The diagram in one paragraph, for the SVG's <desc> (screen readers)."""
    arms = "; ".join(
        f"{flow.arm.name}: {flow.allocated} allocated, {flow.received} received the intervention, "
        f"{flow.not_received_total} did not, {flow.excluded_total} excluded after randomisation, "
        f"{flow.not_followed_up} not yet at or lost to follow-up, {flow.analysed} analysed" for flow in consort.arms)
    return (f"{consort.assessed} assessed for eligibility, {consort.not_randomised_total} excluded before randomisation, "
            f"{consort.randomised} randomised. {arms}.")
