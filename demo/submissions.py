"""Demo submissions for `manage.py seed_demo`: eligible, ineligible for every core reason, overridden, drafts.

Made through the real intake services, so the demo shows exactly what an ERO's
work produces. Deterministic (a fixed random seed) and idempotent: it does
nothing when the demo crimes exist already.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case, Crime, EligibilityAssessment, Offence, Person

REFERENCE_PREFIX = "DEMO/"
FIRST_NAMES = {
    Person.Sex.FEMALE: ["Chloe", "Megan", "Jade", "Sophie", "Amy", "Leanne", "Kerry", "Tasha", "Ellie", "Gemma", "Zara", "Holly"],
    Person.Sex.MALE: ["Liam", "Jordan", "Callum", "Ryan", "Connor", "Dean", "Tyler", "Kyle", "Jack", "Aaron", "Mason", "Lewis"],
}
LAST_NAMES = [
    "Pascoe", "Trevithick", "Penhaligon", "Nance", "Rowe", "Hicks", "Jenkin", "Tregear", "Opie", "Polglase", "Curnow",
    "Bray", "Symons", "Luscombe", "Widdicombe", "Chudleigh", "Yeo", "Bolitho", "Kitto", "Rundle", "Stephens", "Hext",
]
TOWNS = [("Exeter", "EX1"), ("Exeter", "EX4"), ("Plymouth", "PL1"), ("Plymouth", "PL4"), ("Torquay", "TQ1"),
         ("Paignton", "TQ3"), ("Truro", "TR1"), ("Penzance", "TR18"), ("Barnstaple", "EX31"), ("Newquay", "TR7")]
EVERYDAY_OFFENCES = ["TH-SHOP", "CD-UNDER-5K", "AS-COMMON", "DR-POSS-B", "PO-S5", "TH-MOFP", "HA-MALICIOUS-COMMS",
                     "AS-EMERGENCY", "AS-ABH", "WE-BLADED", "MV-EXCESS-ALCOHOL", "TH-HANDLING", "PO-AFFRAY", "DR-POSS-A"]
YES_TO_EVERYTHING = {"consent": "yes", "admission": "admitted", "no_dvpo": "no", "no_court_order": "no",
                     "no_prison_licence": "no", "no_other_bail": "no"}

# One ineligible case for each core rule, by how the person's details or answers differ.
INELIGIBLE_BY_RULE = {
    "adult": {"age": 17},
    "lives_in_area": {"home_postcode": "BS1 4DJ"},
    "offence_in_area": {"offence_postcode": "BS2 0JA"},
    "offence_not_indictable": {"offences": ["RO-PERSONAL"]},
    "means_of_contact": {"phone": ""},
    "consent": {"answers": {"consent": "no"}},
    "admission": {"answers": {"admission": "denies"}},
    "no_dvpo": {"answers": {"no_dvpo": "yes"}},
    "no_court_order": {"answers": {"no_court_order": "yes"}},
    "no_prison_licence": {"answers": {"no_prison_licence": "yes"}},
    "no_other_bail": {"answers": {"no_other_bail": "yes"}},
}
OVERRIDE_REASONS = [
    "Moved into Plymouth last week; tenancy agreement seen. Address on the PNC is out of date.",
    "Offence took place on the county border; the force has agreed to deal with it.",
    "Mobile phone was seized as evidence; a new number will be given at first contact.",
]


def demo_submissions_seed(*, count: int = 150) -> int:
    """Create the demo submissions unless they exist; returns how many were made."""
    if Crime.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        return 0
    rng = random.Random(2026)
    officers = list(get_user_model().objects.filter(groups__name="Evidence review officer").order_by("username"))
    offences = {offence.code: offence for offence in Offence.objects.all()}
    plans = (
        [{"decision": "closed_ineligible", **variation} for variation in INELIGIBLE_BY_RULE.values()]
        + [{"decision": "closed_ineligible", "answers": {"consent": "no"}}] * 6
        + [{"decision": "overridden", "home_postcode": "BS1 4DJ", "reason": OVERRIDE_REASONS[0]},
           {"decision": "overridden", "offence_postcode": "BS2 0JA", "reason": OVERRIDE_REASONS[1]},
           {"decision": "overridden", "phone": "", "reason": OVERRIDE_REASONS[2]}] * 3
        + [{"decision": "draft", "stage": stage} for stage in ("person", "crime", "victims", "questions") * 5]
    )
    plans += [{"decision": "submitted"}] * (count - len(plans))
    for number, plan in enumerate(plans, start=1):
        _submission(rng, number, plan, officers[number % len(officers)], offences)
    return len(plans)


@transaction.atomic
def _submission(rng: random.Random, number: int, plan: dict, officer, offences: dict) -> Case:
    today = timezone.localdate()
    offence_date = today - timedelta(days=rng.randint(3, 80))
    age = plan.get("age") or rng.choice([19, 21, 23, 24, 27, 31, 36, 44, 52])
    sex = rng.choice([Person.Sex.FEMALE, Person.Sex.MALE, Person.Sex.MALE])
    town, district = rng.choice(TOWNS)
    case = services.case_draft_start(user=officer)
    services.intake_person_save(case=case, user=officer, data={
        "first_names": rng.choice(FIRST_NAMES[sex]),
        "last_name": rng.choice(LAST_NAMES),
        "date_of_birth": _birthday(offence_date, age, rng),
        "sex": sex,
        "ethnicity": rng.choice([Person.Ethnicity.WHITE_BRITISH] * 8 + [Person.Ethnicity.WHITE_OTHER, Person.Ethnicity.MIXED_OTHER, Person.Ethnicity.NOT_STATED]),
        "pnc_id": f"{rng.randint(10, 25)}/{rng.randint(100000, 9999999)}{rng.choice('ABCDEFGHJKLMNPQRTUVWXY')}" if rng.random() < 0.6 else "",
        "address_line_1": f"{rng.randint(1, 120)} {rng.choice(['Fore Street', 'Station Road', 'Union Street', 'Bay View', 'Church Lane'])}",
        "address_line_2": "",
        "town": town,
        "postcode": plan.get("home_postcode", f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"),
        "phone": plan.get("phone", f"07700 900{rng.randint(100, 999)}"),
        "email": "" if rng.random() < 0.5 else f"person{number}@example.org",
        "preferred_contact": rng.choice(Person.ContactPreference.values),
    })
    if plan.get("stage") == "person":
        return case
    codes = plan.get("offences") or [rng.choice(EVERYDAY_OFFENCES)]
    services.intake_crime_save(case=case, user=officer, offences=[offences[code] for code in codes], data={
        "reference": f"{REFERENCE_PREFIX}{number:05d}/{offence_date:%y}",
        "offence_date": offence_date,
        "offence_postcode": plan.get("offence_postcode", f"{district} {rng.randint(1, 9)}AB"),
        "domestic_abuse": False, "hate_crime": False, "co_accused": rng.random() < 0.05,
        "officer_name": f"PC {rng.choice(['Alex', 'Sam', 'Jo', 'Chris'])} {rng.choice(LAST_NAMES)}",
        "officer_collar_number": str(rng.randint(1000, 9999)),
        "officer_email": f"oic{rng.randint(1, 40)}@example.org",
    })
    if plan.get("stage") == "crime":
        return case
    if rng.random() < 0.6:
        services.intake_victim_add(case=case, user=officer, data={
            "name": rng.choice(["Tesco Extra", "Co-op Food", f"{rng.choice(FIRST_NAMES[Person.Sex.FEMALE])} {rng.choice(LAST_NAMES)}"]),
            "phone": "", "email": "",
            "view": rng.choice(["supports", "supports", "no_view", "not_asked"]),
            "restorative_consent": "not_asked", "date_asked": None,
        })
    if plan.get("stage") == "victims":
        return case
    answers = {**YES_TO_EVERYTHING, **plan.get("answers", {}),
               "previous_offences": rng.choice([0, 0, 0, 1, 2, 4]), "previous_cautions": rng.choice([0, 0, 1]),
               "previous_convictions": rng.choice([0, 0, 0, 1])}
    services.intake_answers_save(case=case, user=officer, answers=answers)
    if plan["decision"] == "draft":
        return case
    services.intake_submit(
        case=case, user=officer, decision=plan["decision"],
        route=rng.choice([Case.Route.DEFERRED_CAUTION, Case.Route.DEFERRED_CHARGE]) if plan["decision"] != EligibilityAssessment.Decision.CLOSED_INELIGIBLE else "",
        override_reason=plan.get("reason", ""),
    )
    # Spread the submissions over the weeks after each offence, as real ones are.
    submitted = timezone.now() - timedelta(days=max(0, (today - offence_date).days - rng.randint(1, 3)))
    Case.objects.filter(pk=case.pk).update(submitted_at=submitted, created_at=submitted, updated_at=submitted)
    return case


def _birthday(offence_date: date, age: int, rng: random.Random) -> date:
    """A date of birth that makes the person `age` on the offence date."""
    return offence_date.replace(year=offence_date.year - age - 1) + timedelta(days=rng.randint(1, 360))
