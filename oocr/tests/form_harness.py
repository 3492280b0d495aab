"""The form harness: every view that takes a POST, submitted as its users would, with valid, empty and hostile data.

Each app lists its forms in `<app>/tests/form_cases.py` as `FORM_CASES`, next to the
form's own tests; `tests/test_forms_matrix.py` walks the URL resolver and fails when a
view that accepts POST has no case, so a new form is covered without anyone remembering.

A `FormCase` says how to reach a state where the action is allowed (`arrange`), what a
user would send (`valid`) and what must then be true in the database (`done`). From the
valid data the harness derives the hostile variants: 5,000-character text, markup and
spreadsheet formulas, text just under the forms' own limits (where a shorter database column would
fail), 31 February, negative, huge and non-numeric numbers, a record of
another case (`foreign`), and an id in the address that does not exist. Each variant runs
in a savepoint that is rolled back, so one arrangement serves them all.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.apps import apps
from django.db import connection, transaction

Data = dict[str, object]


@dataclass(frozen=True)
class FormCase:
    path: str  # the URL pattern, written as the URL matrix writes it ("/cases/<int:pk>/close/")
    role: str  # who submits it, for the test's name
    arrange: Callable[[], dict]  # builds the state where the action is allowed: {"url": ..., "user": ..., anything else}
    valid: Callable[[dict], Data]  # what a user would send
    done: Callable[[dict], None]  # asserts, in the database, the change the page claims
    button: bool = False  # a button with no fields: the empty post is the valid one
    optional: bool = False  # every field may be left empty (settings pages): the empty post is valid too
    foreign: Callable[[dict], Data] | None = None  # valid data that names another case's record: must be refused
    note: str = ""  # why a variant is expected to differ, where it does

    @property
    def id(self) -> str:
        return f"{self.path} as {self.role}"


# Tables a submission may touch without it being "a change": the access log records every view of a record.
UNTRACKED_APPS = {"audit", "sessions", "axes", "admin", "contenttypes", "django_celery_beat", "otp_static", "otp_totp"}
UNTRACKED_MODELS = {"auth.permission"}


def _tracked_models() -> list:
    return [model for model in apps.get_models()
            if model._meta.app_label not in UNTRACKED_APPS and model._meta.label_lower not in UNTRACKED_MODELS
            and model._meta.managed]


def fingerprint(labels: set[str] | None = None) -> dict[str, object]:
    """One digest per table (or per table named) of everything it holds: a changed or added row changes it."""
    models = [model for model in _tracked_models() if labels is None or model._meta.label_lower in labels]
    if not models:
        return {}
    if connection.vendor != "postgresql":
        return {model._meta.label_lower: hash(repr(list(model._base_manager.order_by("pk").values_list())))
                for model in models}
    quote = connection.ops.quote_name
    digests = " UNION ALL ".join(
        f"SELECT %s, (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(model._meta.db_table)} t)"
        for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(digests, [model._meta.label_lower for model in models])
        return dict(cursor.fetchall())


def rows_written() -> dict[str, int] | None:
    """PostgreSQL: rows this transaction has inserted, updated or deleted so far, per table (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    labels = {model._meta.db_table: model._meta.label_lower for model in _tracked_models()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {labels[table]: count for table, count in cursor.fetchall() if table in labels}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


SUMMARY = re.compile(r'class="govuk-error-summary".*?</ul>', re.S)
DJANGO_WORDING = ("This field is required.", "Ensure this value", "Enter a valid date", "Select a valid choice",
                  "Enter a whole number", "Enter a number.", "Enter a valid")


def error_summary(html: str) -> str | None:
    match = SUMMARY.search(html)
    return match.group(0) if match else None


def summary_problems(html: str, *, every_item_linked: bool) -> list[str]:
    """Links of the GOV.UK error summary that go nowhere, items linked to nothing, Django's own wording."""
    summary = error_summary(html)
    if summary is None:
        return ["no GOV.UK error summary"]
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    problems = [f"the error links to #{target}, which is not on the page"
                for target in re.findall(r'href="#([^"]+)"', summary) if target not in ids]
    if every_item_linked:
        for item in re.findall(r"<li[^>]*>(.*?)</li>", summary, re.S):
            if "<a " not in item:
                problems.append(f"an error linked to no field: {re.sub(r'<[^>]+>', '', item).strip()[:80]}")
    problems += [f"Django's own wording: {phrase}" for phrase in DJANGO_WORDING if phrase in summary]
    return problems


# --- The hostile variants, derived from the valid data ------------------------------------------

NUMBER = re.compile(r"-?\d+(\.\d+)?")
DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}")
LONG = "words " * 833 + "xx"  # 5,000 characters
MARKUP = '<script>alert(1)</script> =HYPERLINK("http://example.invalid","Click here")'


def _is_text(key: str, value: object) -> bool:
    return isinstance(value, str) and not NUMBER.fullmatch(value) and not DATE.fullmatch(value) and not _is_date_part(key)


def _is_date_part(key: str) -> bool:
    return bool(re.search(r"_[012]$", key))


def _replace(data: Data, test: Callable[[str, object], bool], value: object) -> Data:
    return {key: (value if test(key, old) else old) for key, old in data.items()}


def _impossible_dates(data: Data) -> Data:
    changed = {}
    for key, value in data.items():
        if isinstance(value, str) and DATE.fullmatch(value):
            value = "31/02/2026"
        elif _is_date_part(key) and key.endswith("_0") and f"{key[:-2]}_1" in data:
            value = "31"
        elif _is_date_part(key) and key.endswith("_1") and f"{key[:-2]}_0" in data:
            value = "2"
        changed[key] = value
    return changed


def _numbers(value: str) -> Callable[[Data], Data]:
    return lambda data: _replace(data, lambda key, old: isinstance(old, str) and NUMBER.fullmatch(old) is not None
                                 and not _is_date_part(key), value)


HOSTILE: dict[str, Callable[[Data], Data]] = {
    "5,000-character text": lambda data: _replace(data, _is_text, LONG),
    # Just under the form's own limits (500 for a line, 5,000 for a text area): a shorter database column shows here.
    "499-character text": lambda data: _replace(data, _is_text, "x" * 499),
    "4,999-character text": lambda data: _replace(data, _is_text, "y" * 4_999),
    "markup and formulas": lambda data: _replace(data, _is_text, MARKUP),
    "31 February": _impossible_dates,
    "negative numbers": _numbers("-1"),
    "huge numbers": _numbers("99999999999999999999"),
    "letters for numbers": _numbers("abc"),
}


def missing_record_urls(url: str) -> list[str]:
    """The address with each of its ids in turn replaced by one that exists nowhere."""
    ids = list(re.finditer(r"/(\d+)(?=/|\.)", url))
    return [url[:match.start(1)] + "999999999" + url[match.end(1):] for match in ids]


# --- Running a case -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    html: str
    changed: list[str]
    location: str = ""
    error: str = ""
    done_error: str = ""

    @property
    def crashed(self) -> bool:
        return bool(self.error) or self.status >= 500

    @property
    def refused(self) -> bool:
        return self.status in (403, 404) or (self.status == 200 and error_summary(self.html) is not None)


def submit(client, url: str, data: Data, *, check: Callable[[], None] | None = None) -> Outcome:
    """POST in a savepoint that is rolled back afterwards: the world is the same for the next variant.

    On PostgreSQL only the tables the transaction's statistics say were written to are compared,
    after the submission and again once the savepoint has put them back; elsewhere every table.
    """
    cookies = SimpleCookie(client.cookies)  # a password change renews the session, which the rollback then forgets
    written = rows_written()
    before = fingerprint() if written is None else None
    touched: set[str] = set()
    with transaction.atomic():
        try:
            response = client.post(url, data)
        except Exception as error:  # noqa: BLE001 - a crash is what the harness reports
            outcome = Outcome(status=500, html="", changed=[], error=f"{type(error).__name__}: {error}"[:300])
        else:
            outcome = Outcome(status=response.status_code, html=response.content.decode(errors="replace"), changed=[],
                              location=response.get("Location", ""))
            if written is not None:
                touched = {label for label, count in rows_written().items() if count != written.get(label, 0)}
            after = fingerprint(touched if written is not None else None)
            if check is not None:
                try:
                    check()
                except AssertionError as error:
                    outcome.done_error = str(error) or "the change is not in the database"
        transaction.set_rollback(True)
    if not outcome.crashed:
        outcome.changed = changed_tables(before if written is None else fingerprint(touched), after)
    client.cookies = cookies
    return outcome


def run_case(client, case: FormCase) -> tuple[list[str], list[str]]:
    """Every variant of one case: the problems found, and the variants run."""
    context = case.arrange()
    if context["user"] is not None:  # the sign-in and password reset pages are used signed out
        client.force_login(context["user"])
    url = context["url"]
    valid = case.valid(context)
    problems, variants = [], []

    def report(variant: str, problem: str) -> None:
        problems.append(f"{variant}: {problem}")

    variants.append("valid")
    outcome = submit(client, url, valid, check=lambda: case.done(context))
    if outcome.crashed:
        report("valid", f"server error {outcome.error or outcome.status}")
    elif outcome.status not in (200, 302, 303) or (outcome.status == 200 and error_summary(outcome.html)):
        summary = re.sub(r"<[^>]+>|\s+", " ", error_summary(outcome.html) or "").strip()[:300]
        report("valid", f"not accepted ({outcome.status}) {summary}")
    elif outcome.done_error:
        report("valid", f"accepted but {outcome.done_error}")

    if not case.button and not case.optional:
        variants.append("empty")
        outcome = submit(client, url, {})
        if outcome.crashed:
            report("empty", f"server error {outcome.error or outcome.status}")
        else:
            problems.extend(f"empty: {problem}" for problem in summary_problems(outcome.html, every_item_linked=True))
            if outcome.changed:
                report("empty", f"wrote to {outcome.changed}")
    elif case.optional:
        variants.append("empty")
        outcome = submit(client, url, {})
        if outcome.crashed:
            report("empty", f"server error {outcome.error or outcome.status}")

    hostile = {name: mutate(valid) for name, mutate in HOSTILE.items()}
    if case.foreign is not None:
        hostile["another case's record"] = case.foreign(context)
    for name, data in hostile.items():
        if data == valid and name != "another case's record":
            continue  # nothing in this form to try it on
        variants.append(name)
        outcome = submit(client, url, data)
        if outcome.crashed:
            report(name, f"server error {outcome.error or outcome.status}")
            continue
        if error_summary(outcome.html):
            problems.extend(f"{name}: {problem}" for problem in summary_problems(outcome.html, every_item_linked=False))
        if outcome.refused and outcome.changed:
            report(name, f"refused but wrote to {outcome.changed}")
        if name == "another case's record" and not outcome.refused:
            report(name, f"accepted ({outcome.status} {outcome.location})")

    for number, missing in enumerate(missing_record_urls(url), start=1):
        variants.append(f"missing record {number}")
        outcome = submit(client, missing, valid)
        if outcome.crashed:
            report(f"missing record {number}", f"server error {outcome.error or outcome.status}")
        elif outcome.changed:
            report(f"missing record {number}", f"wrote to {outcome.changed} ({outcome.status})")
        elif outcome.status not in (403, 404) and not outcome.location:
            report(f"missing record {number}", f"answered {outcome.status}, not 404")
    return problems, variants
