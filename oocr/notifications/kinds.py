"""Every kind of notification a decision or a waiting item sends, in one table: who receives it, and its template.

A decision is told the same minute (in the request that makes it), to each
recipient's inbox and by email; the officer in the case, who has no account,
by email only. Reminders are another thing: the daily job
(`reminders_record`) sends those, with each member of staff's digest settings.

Each template lives in `templates/notifications/kinds/<code>.txt`: its first
line is the subject (also the inbox text, which names a case by its number
and nothing personal), the rest is the email's body. Administrators read them
at Administration > Notification templates.
"""

from dataclasses import dataclass

# The recipients a kind may name, by their role in the case (`notifications.services.notify` finds them).
KEYWORKER = "keyworker"  # the keyworker holding the case (on a closed case, the one who held it last)
PREVIOUS_KEYWORKER = "previous_keyworker"  # on a reallocation, the keyworker the case left
PROPOSER = "proposer"  # who proposed what was decided
SUPERVISORS = "supervisors"  # the active supervisors of the holding keyworker's team (every team's before allocation)
OFFICER = "officer"  # the officer in the case, at the email address on the crime
SUBMITTER = "submitter"  # the evidence review officer who made the submission (an account: inbox and email)
RETURNER = "returner"  # the supervisors who sent a submission back, on its return

RECIPIENT_LABELS = {
    KEYWORKER: "The case's keyworker",
    PREVIOUS_KEYWORKER: "The keyworker the case left",
    PROPOSER: "Who proposed it",
    SUPERVISORS: "The supervisors of the keyworker's team",
    OFFICER: "The officer in the case (email only)",
    SUBMITTER: "The evidence review officer who submitted it",
    RETURNER: "The supervisor who sent it back",
}


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str
    recipients: tuple[str, ...]
    # Names the person to someone outside the service (the officer): each email sent is logged as a disclosure.
    discloses: bool = False

    @property
    def template(self) -> str:
        return f"notifications/kinds/{self.code}.txt"

    @property
    def recipient_labels(self) -> list[str]:
        return [RECIPIENT_LABELS[recipient] for recipient in self.recipients]


KINDS: dict[str, NotificationKind] = {kind.code: kind for kind in [
    # Waiting for a supervisor
    NotificationKind("override_waiting", "An override submitted, waiting for allocation", (SUPERVISORS,)),
    NotificationKind("contract_waiting", "A contract agreed, waiting for a supervisor's approval", (SUPERVISORS,)),
    NotificationKind("proposal_waiting", "A closure, breach, variation or extension proposed", (SUPERVISORS,)),
    # Decisions about a keyworker's case
    NotificationKind("case_allocated", "A case allocated to a keyworker", (KEYWORKER,)),
    NotificationKind("case_reallocated", "A case reallocated", (KEYWORKER, PREVIOUS_KEYWORKER)),
    NotificationKind("contract_approved", "A contract approved", (KEYWORKER,)),
    NotificationKind("contract_sent_back", "A contract refused or returned for changes, with the comments", (KEYWORKER,)),
    NotificationKind("variation_decided", "A variation or extension approved or refused", (KEYWORKER, PROPOSER)),
    NotificationKind("closure_decided", "A completion or withdrawal approved or refused", (KEYWORKER, PROPOSER)),
    NotificationKind("breach_decided", "A breach approved or refused", (KEYWORKER, PROPOSER)),
    # The officer in the case
    NotificationKind("officer_allocated", "To the officer: the case allocated (who and when)", (OFFICER,)),
    NotificationKind("officer_declined", "To the officer: the person declined and opted for court", (OFFICER,), discloses=True),
    NotificationKind("officer_completed", "To the officer: the contract completed", (OFFICER,), discloses=True),
    NotificationKind("officer_withdrawn", "To the officer: the case withdrawn", (OFFICER,), discloses=True),
    NotificationKind("officer_breached", "To the officer: the contract breached", (OFFICER,), discloses=True),
    # Sending a submission back, and what comes of it
    NotificationKind("submission_returned", "A submission returned to its officer to correct, with the reasons", (SUBMITTER,)),
    NotificationKind("override_refused", "An override refused: the case closed as ineligible, with the reasons", (SUBMITTER,)),
    NotificationKind("submission_resubmitted", "A returned submission corrected and submitted again", (RETURNER,)),
    NotificationKind("case_ineligible", "A correction made a submitted case ineligible", (SUPERVISORS,)),
    # The partner portal: what the partner recorded, and service levels missed
    NotificationKind("partner_acknowledged", "Partner portal: a referral acknowledged", (KEYWORKER,)),
    NotificationKind("partner_appointment", "Partner portal: a first appointment booked or moved", (KEYWORKER,)),
    NotificationKind("partner_attendance", "Partner portal: a session's attendance recorded", (KEYWORKER,)),
    NotificationKind("partner_note", "Partner portal: a progress note added", (KEYWORKER,)),
    NotificationKind("partner_closed", "Partner portal: a referral closed with its outcome", (KEYWORKER,)),
    NotificationKind("partner_overdue", "Partner portal: a referral past the partner's service level", (KEYWORKER,)),
]}


# The kinds of reminder a member of staff may turn on or off (code: label), for their reminder settings. The daily
# reminders are computed by a domain app (contracts/reminders.py), which registers its kinds here when it is ready,
# so the settings page names no domain app.
STAFF_REMINDER_KINDS: dict[str, str] = {}


def staff_reminder_kinds_register(kinds: dict[str, str]) -> None:
    STAFF_REMINDER_KINDS.update(kinds)
