"""Seed a benchmark dataset on PostgreSQL: staff through the ORM, cases and their history by bulk SQL.

`python -m bench.seed <size>` seeds the database DATABASE_URL points at, which
must be freshly migrated (the runner, bench/run.py, takes care of that).

Shape, at every size (design.md section 9):

- one team per ~20,000 cases (national: the 43 forces of England and Wales),
  each with 15 keyworkers (one on leave, one not taking cases), 2 supervisors,
  a team manager and 3 evidence review officers; every team member has a
  StaffProfile;
- cases in submission order (ids follow time): the newest ~2% of eligible cases
  wait for allocation (at most 3,000), the next hold ~30 open cases per
  keyworker (to contact, in assessment, active, with a few closed early), the
  rest are closed (completed, breached, declined, withdrawn); ~8% closed as
  ineligible at intake and ~1% are drafts, spread through time;
- a Person per case, ~15% of cases being people seen before;
- one Crime with one offence, and one or two CaseEvents, per case;
- for every case ever allocated an Allocation, ended when the case closed (as the
  services do), with its AllocationReview, and
  for ~8% an earlier, ended allocation: the reallocation history.

Random choices come from a hash of the row number, so a size always seeds the
same data. Historical (simple_history) tables stay empty.
"""

import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

# Bump when the shape of the data changes: the runner reseeds databases seeded by another version.
SEED_VERSION = 6


@dataclass(frozen=True)
class Size:
    name: str
    cases: int
    teams: int
    years: float  # the span of submissions
    keyworkers_per_team: int = 15
    supervisors_per_team: int = 2
    officers_per_team: int = 3

    @property
    def keyworkers(self) -> int:
        return self.teams * self.keyworkers_per_team

    @property
    def waiting(self) -> int:
        """Cases waiting for allocation: ~2% of all, capped as a real queue is."""
        return max(10, min(self.cases * 2 // 100, 3000))

    @property
    def open(self) -> int:
        """Open cases: ~30 per keyworker, or fewer when the dataset is small."""
        return min(30 * self.keyworkers, self.cases * 2 // 5)


SIZES = {
    "demo": Size("demo", cases=500, teams=1, years=1),
    "force": Size("force", cases=20_000, teams=1, years=5),
    "national": Size("national", cases=1_000_000, teams=43, years=5),
}

# Shares of cases, chosen per case by a hash of its number.
DRAFT_SHARE = 0.01
INELIGIBLE_SHARE = 0.08
RETURNING_SHARE = 0.15
REALLOCATED_SHARE = 0.08
CLOSED_EARLY_SHARE = 0.10  # of the newest allocated cases: declined or withdrawn already

# The 43 territorial forces of England and Wales, each with postcode areas and a town; Devon and Cornwall first.
FORCES = [
    ("Devon and Cornwall", [("EX", "Exeter"), ("PL", "Plymouth"), ("TQ", "Torquay"), ("TR", "Truro")]),
    ("Avon and Somerset", [("BS", "Bristol"), ("BA", "Bath"), ("TA", "Taunton")]),
    ("Bedfordshire", [("LU", "Luton"), ("MK", "Bedford")]),
    ("Cambridgeshire", [("CB", "Cambridge"), ("PE", "Peterborough")]),
    ("Cheshire", [("CW", "Crewe"), ("CH", "Chester"), ("WA", "Warrington")]),
    ("City of London", [("EC", "London")]),
    ("Cleveland", [("TS", "Middlesbrough")]),
    ("Cumbria", [("CA", "Carlisle"), ("LA", "Kendal")]),
    ("Derbyshire", [("DE", "Derby"), ("S", "Chesterfield")]),
    ("Dorset", [("BH", "Bournemouth"), ("DT", "Dorchester")]),
    ("Durham", [("DH", "Durham"), ("DL", "Darlington")]),
    ("Dyfed-Powys", [("SA", "Carmarthen"), ("SY", "Aberystwyth"), ("LD", "Llandrindod Wells")]),
    ("Essex", [("CM", "Chelmsford"), ("CO", "Colchester"), ("SS", "Southend-on-Sea")]),
    ("Gloucestershire", [("GL", "Gloucester")]),
    ("Greater Manchester", [("M", "Manchester"), ("BL", "Bolton"), ("OL", "Oldham"), ("SK", "Stockport")]),
    ("Gwent", [("NP", "Newport")]),
    ("Hampshire", [("SO", "Southampton"), ("PO", "Portsmouth")]),
    ("Hertfordshire", [("AL", "St Albans"), ("SG", "Stevenage"), ("WD", "Watford")]),
    ("Humberside", [("HU", "Hull"), ("DN", "Grimsby")]),
    ("Kent", [("ME", "Maidstone"), ("CT", "Canterbury"), ("TN", "Tunbridge Wells")]),
    ("Lancashire", [("PR", "Preston"), ("BB", "Blackburn"), ("FY", "Blackpool")]),
    ("Leicestershire", [("LE", "Leicester")]),
    ("Lincolnshire", [("LN", "Lincoln")]),
    ("Merseyside", [("L", "Liverpool"), ("CH", "Birkenhead")]),
    ("Metropolitan", [("SE", "London"), ("E", "London"), ("N", "London"), ("SW", "London"), ("CR", "Croydon")]),
    ("Norfolk", [("NR", "Norwich")]),
    ("North Wales", [("LL", "Bangor")]),
    ("North Yorkshire", [("YO", "York"), ("HG", "Harrogate")]),
    ("Northamptonshire", [("NN", "Northampton")]),
    ("Northumbria", [("NE", "Newcastle upon Tyne"), ("SR", "Sunderland")]),
    ("Nottinghamshire", [("NG", "Nottingham")]),
    ("South Wales", [("CF", "Cardiff"), ("SA", "Swansea")]),
    ("South Yorkshire", [("S", "Sheffield"), ("DN", "Doncaster")]),
    ("Staffordshire", [("ST", "Stoke-on-Trent"), ("WS", "Walsall")]),
    ("Suffolk", [("IP", "Ipswich")]),
    ("Surrey", [("GU", "Guildford"), ("KT", "Kingston")]),
    ("Sussex", [("BN", "Brighton"), ("RH", "Crawley")]),
    ("Thames Valley", [("OX", "Oxford"), ("RG", "Reading"), ("HP", "High Wycombe")]),
    ("Warwickshire", [("CV", "Coventry")]),
    ("West Mercia", [("WR", "Worcester"), ("HR", "Hereford"), ("TF", "Telford")]),
    ("West Midlands", [("B", "Birmingham"), ("WV", "Wolverhampton")]),
    ("West Yorkshire", [("LS", "Leeds"), ("BD", "Bradford"), ("WF", "Wakefield")]),
    ("Wiltshire", [("SN", "Swindon"), ("SP", "Salisbury")]),
]
assert len(FORCES) == 43

FEMALE_NAMES = ["Amelia", "Chloe", "Megan", "Jade", "Sophie", "Leanne", "Kerry", "Aisha", "Ellie", "Gemma", "Zara",
                "Holly", "Priya", "Natalie", "Shannon", "Bethany", "Keeley", "Maria", "Nadia", "Olivia"]
MALE_NAMES = ["Liam", "Jordan", "Callum", "Ryan", "Connor", "Dean", "Tyler", "Kyle", "Jack", "Aaron", "Mason", "Lewis",
              "Mohammed", "Reece", "Daniel", "Jamal", "Ashley", "Luke", "Kieran", "Tomasz", "Harvey", "Bradley"]
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
              "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke",
              "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Moore",
              "Clark", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson",
              "Davis", "Parker", "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell", "Bailey",
              "Carter", "Cook", "Singh", "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Miller", "Cox",
              "Hussain", "Marshall", "Simpson", "Price", "Anderson", "Adams", "Wilkinson", "Ali", "Ahmed", "Foster",
              "Ellis", "Murphy", "Chapman", "Mason", "Gray", "Richards", "Webb", "Griffiths", "Hunt", "Palmer",
              "Campbell", "Holmes", "Mills", "Rogers", "Barnes", "Knight", "Matthews", "Barker", "Powell",
              "Pascoe", "Trevithick", "Penhaligon", "Nowak", "Kowalski", "Okafor", "Mensah", "Nguyen", "Osei"]
STREETS = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road", "Park Avenue",
           "Queens Road", "New Street", "Mill Lane", "Fore Street", "Union Street", "Bay View", "Kings Road"]
# Weighted like the population: mostly White British.
ETHNICITIES = ["W1"] * 14 + ["W9", "W9", "W2", "A3", "A4", "A1", "B1", "B2", "M3", "M1", "O9", "NS", "NS"]
WITHDRAWAL_REASONS = ["no_further_action", "no_further_action", "new_evidence", "moved_away", "moved_away", "other", "died"]
END_REASONS = ["leave", "workload", "workload", "specialism", "conflict", "client_request", "moved", "left_team"]


def seed(size: Size) -> dict:
    """Seed `size` into the (freshly migrated) default database; returns rows written per table.

    One transaction. Explicit ids start after any rows already there, and the
    id sequences are moved past them at the end.
    """
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        _helpers_create(cursor)
        _staff_seed(cursor, size)
        _cases_seed(cursor, size)
        counts = {}
        for table in ["auth_user", "keyworkers_staffprofile", "cases_person", "cases_case", "cases_crime",
                      "cases_crime_offences", "cases_caseevent", "keyworkers_allocation", "keyworkers_allocationreview"]:
            cursor.execute(f"ANALYZE {table}")  # the runner vacuums too; this helps the checks that follow
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _helpers_create(cursor) -> None:
    # u(n, salt): a uniform number in [0, 1) that depends only on its arguments.
    cursor.execute("""
        CREATE OR REPLACE FUNCTION pg_temp.u(n bigint, salt int) RETURNS float8
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT (hashint8extended(n, salt) & 4503599627370495)::float8 / 4503599627370496.0 $$
    """)
    # pick(array, u): one element of a non-empty array.
    cursor.execute("""
        CREATE OR REPLACE FUNCTION pg_temp.pick(items text[], r float8) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT items[1 + floor(r * cardinality(items))::int] $$
    """)


def _staff_seed(cursor, size: Size) -> None:
    """Teams, staff accounts with their roles and profiles, and a superuser; then `bench_staff` for the SQL."""
    from django.contrib.auth.models import Group

    from keyworkers.models import Specialism, StaffProfile, Team
    from oocr.accounts.roles import Role

    User = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.ALL)}
    if len(groups) != len(Role.ALL):
        raise RuntimeError("The role groups are missing: run the migrations first.")
    rng = random.Random(f"bench-staff-{size.name}")
    password = make_password(None)  # unusable: the benchmark signs in with force_login
    teams = Team.objects.bulk_create([Team(name=f"{force} OoCR team") for force, _ in FORCES[: size.teams]])
    people = []  # (team number, role key, number in role, user)
    for team_no, team in enumerate(teams, start=1):
        roles = (
            [("keyworker", k) for k in range(1, size.keyworkers_per_team + 1)]
            + [("supervisor", k) for k in range(1, size.supervisors_per_team + 1)]
            + [("manager", 1)]
            + [("officer", k) for k in range(1, size.officers_per_team + 1)]
        )
        for role, k in roles:
            sex_names = rng.choice([FEMALE_NAMES, MALE_NAMES])
            user = User(
                username=f"t{team_no:02d}-{role}{k:02d}", first_name=rng.choice(sex_names),
                last_name=rng.choice(LAST_NAMES), password=password, is_active=True,
            )
            user.email = f"{user.username}@police.example.org"
            people.append((team_no, role, k, user))
    admin = User(username="bench-admin", first_name="Bench", last_name="Administrator", password=password,
                 email="bench-admin@police.example.org", is_staff=True, is_superuser=True)
    User.objects.bulk_create([user for *_, user in people] + [admin])

    role_groups = {"keyworker": Role.KEYWORKER, "supervisor": Role.SUPERVISOR, "manager": Role.TEAM_MANAGER,
                   "officer": Role.EVIDENCE_REVIEW_OFFICER}
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user=user, group=groups[role_groups[role]]) for _, role, _, user in people]
        + [Membership(user=admin, group=groups[Role.ADMINISTRATOR])]
    )

    profiles = []
    today = timezone.localdate()
    for team_no, role, k, user in people:
        if role == "officer":
            continue  # evidence review officers work for the force, not the OoCR team
        areas = FORCES[team_no - 1][1]
        profile = StaffProfile(user=user, team=teams[team_no - 1])
        if role == "keyworker":
            profile.area = areas[k % len(areas)][0]
            profile.fte = rng.choice(["1.00", "1.00", "1.00", "0.80", "0.60"])
            profile.bench_specialisms = [matches for matches, has in
                                         (("womens_offer", k % 4 == 1), ("young_adult_offer", k % 3 == 2)) if has]
            if k == size.keyworkers_per_team - 1:
                profile.availability = StaffProfile.Availability.ON_LEAVE
                profile.leave_until = today + timedelta(days=9)
            elif k == size.keyworkers_per_team:
                profile.availability = StaffProfile.Availability.INACTIVE
        profiles.append(profile)
    StaffProfile.objects.bulk_create(profiles)
    # Seeded by the migration; made again where a test emptied the database first.
    specialisms = {matches: Specialism.objects.get_or_create(matches=matches, defaults={"name": name})[0]
                   for matches, name in (("womens_offer", "Women"), ("young_adult_offer", "Young adults"))}
    Through = StaffProfile.specialisms.through
    Through.objects.bulk_create([Through(staffprofile_id=profile.pk, specialism_id=specialisms[matches].pk)
                                 for profile in profiles for matches in getattr(profile, "bench_specialisms", [])])

    cursor.execute("DROP TABLE IF EXISTS bench_staff")
    cursor.execute("CREATE TEMP TABLE bench_staff (team_no int, role text, k int, user_id int, full_name text)")
    cursor.execute(
        "INSERT INTO bench_staff SELECT * FROM unnest(%s::int[], %s::text[], %s::int[], %s::int[], %s::text[])",
        [[p[0] for p in people], [p[1] for p in people], [p[2] for p in people], [p[3].pk for p in people],
         [p[3].get_full_name() for p in people]],
    )
    cursor.execute("CREATE INDEX ON bench_staff (team_no, role, k)")
    areas = [(team_no, n, area, town) for team_no, (_, places) in enumerate(FORCES[: size.teams], start=1)
             for n, (area, town) in enumerate(places)]
    cursor.execute("DROP TABLE IF EXISTS bench_area")
    cursor.execute("CREATE TEMP TABLE bench_area (team_no int, n int, area text, town text, areas int)")
    cursor.execute(
        "INSERT INTO bench_area SELECT t, n, a, w, count(*) OVER (PARTITION BY t) "
        "FROM unnest(%s::int[], %s::int[], %s::text[], %s::text[]) AS x(t, n, a, w)",
        [[a[0] for a in areas], [a[1] for a in areas], [a[2] for a in areas], [a[3] for a in areas]],
    )
    cursor.execute("ANALYZE bench_staff")
    cursor.execute("ANALYZE bench_area")


def _cases_seed(cursor, size: Size) -> None:
    """Plan every case in a temporary table, then write each table with one INSERT ... SELECT."""
    bases = {}
    for table in ["cases_person", "cases_case", "cases_crime", "keyworkers_allocation"]:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        bases[table] = cursor.fetchone()[0]
    cursor.execute(
        "SELECT array_agg(id ORDER BY id) FROM cases_offence WHERE is_active AND mode_of_trial <> 'indictable'"
    )
    offence_ids = cursor.fetchone()[0]
    if not offence_ids:
        raise RuntimeError("The offence catalogue is empty: run the migrations first.")
    span_seconds = size.years * 365.25 * 86400
    params = {
        "cases": size.cases, "teams": size.teams, "waiting": size.waiting,
        "open_block": round(size.open / (1 - CLOSED_EARLY_SHARE)),
        "p_draft": DRAFT_SHARE, "p_ineligible": INELIGIBLE_SHARE, "returning": RETURNING_SHARE,
        "reallocated": REALLOCATED_SHARE, "closed_early": CLOSED_EARLY_SHARE,
        "span_seconds": span_seconds,
        # how long the queue takes to clear: the age of its oldest case
        "backlog_seconds": span_seconds * size.waiting / size.cases,
        "active_keyworkers": size.keyworkers_per_team - 1, "all_keyworkers": size.keyworkers_per_team,
        "officers": size.officers_per_team, "supervisors": size.supervisors_per_team,
        "person_base": bases["cases_person"], "case_base": bases["cases_case"], "crime_base": bases["cases_crime"],
        "allocation_base": bases["keyworkers_allocation"],
        "female_names": FEMALE_NAMES, "male_names": MALE_NAMES, "last_names": LAST_NAMES, "streets": STREETS,
        "ethnicities": ETHNICITIES, "end_reasons": END_REASONS, "withdrawal_reasons": WITHDRAWAL_REASONS, "offence_ids": offence_ids,
    }
    for statement in PLAN_SQL + INSERT_SQL:
        cursor.execute(statement, params)
    for table in bases:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


PLAN_SQL = [
    "DROP TABLE IF EXISTS bench_case",
    # One row per case, g = 1 (oldest) .. cases (newest); every later INSERT reads from here.
    """
    CREATE TEMP TABLE bench_case AS
    WITH drawn AS (
        SELECT g, pg_temp.u(g, 1) AS r_kind, (g > 20 AND pg_temp.u(g, 2) < %(returning)s) AS returning_person
        FROM generate_series(1, %(cases)s::bigint) AS g
    ), kinds AS (
        SELECT g, returning_person,
            CASE WHEN r_kind < %(p_draft)s THEN 'draft'
                 WHEN r_kind < %(p_draft)s + %(p_ineligible)s THEN 'ineligible'
                 ELSE 'eligible' END AS kind,
            sum(CASE WHEN returning_person THEN 0 ELSE 1 END) OVER (ORDER BY g) AS persons_so_far
        FROM drawn
    ), ranked AS (
        SELECT *, row_number() OVER (PARTITION BY kind ORDER BY g DESC) AS recency FROM kinds
    ), planned AS (
        SELECT g, returning_person,
            -- a returning person is someone from an earlier case
            CASE WHEN returning_person THEN 1 + floor(pg_temp.u(g, 3) * persons_so_far)::bigint
                 ELSE persons_so_far END AS person_no,
            CASE
                WHEN kind <> 'eligible' THEN kind
                WHEN recency <= %(waiting)s THEN 'awaiting_allocation'
                WHEN recency <= %(waiting)s + %(open_block)s THEN CASE
                    WHEN pg_temp.u(g, 4) < %(closed_early)s * 0.6 THEN 'declined'
                    WHEN pg_temp.u(g, 4) < %(closed_early)s THEN 'withdrawn'
                    WHEN pg_temp.u(g, 5) < 0.15 THEN 'allocated'
                    WHEN pg_temp.u(g, 5) < 0.40 THEN 'assessment'
                    ELSE 'active' END
                ELSE CASE
                    WHEN pg_temp.u(g, 5) < 0.07 THEN 'declined'
                    WHEN pg_temp.u(g, 5) < 0.13 THEN 'withdrawn'
                    WHEN pg_temp.u(g, 5) < 0.25 THEN 'breached'
                    ELSE 'completed' END
            END AS status,
            now() - interval '1 second' * (%(span_seconds)s * (%(cases)s - g + pg_temp.u(g, 6)) / %(cases)s) AS at
        FROM ranked
    ), timed AS (
        SELECT *,
            status IN ('allocated', 'assessment', 'active') AS is_open,
            status NOT IN ('draft', 'ineligible', 'awaiting_allocation') AS ever_allocated,
            1 + mod(person_no - 1, %(teams)s)::int AS team_no,
            -- allocated within the time the queue takes to clear
            at + (least(now(), at + interval '1 second' * %(backlog_seconds)s) - at)
                * (0.05 + 0.9 * pg_temp.u(g, 7)) AS first_allocated_at,
            interval '1 day' * CASE status
                WHEN 'declined' THEN 3 + 27 * pg_temp.u(g, 8)
                WHEN 'withdrawn' THEN 10 + 110 * pg_temp.u(g, 8)
                WHEN 'breached' THEN 30 + 120 * pg_temp.u(g, 8)
                ELSE 112 + 90 * pg_temp.u(g, 8) END AS duration
        FROM planned
    ), closed AS (
        SELECT *,
            CASE
                WHEN status = 'ineligible' THEN at
                WHEN is_open OR NOT ever_allocated THEN NULL
                WHEN first_allocated_at + duration < now() THEN first_allocated_at + duration
                ELSE first_allocated_at + (now() - first_allocated_at) * (0.3 + 0.69 * pg_temp.u(g, 9))
            END AS closed_at
        FROM timed
    ), reallocated AS (
        SELECT *,
            ever_allocated AND pg_temp.u(g, 10) < %(reallocated)s AS reallocated,
            first_allocated_at + (coalesce(closed_at, now()) - first_allocated_at)
                * (0.1 + 0.4 * pg_temp.u(g, 12)) AS reallocated_at
        FROM closed
    )
    SELECT g, returning_person, person_no, team_no, status, is_open, ever_allocated, reallocated,
        CASE WHEN status = 'draft' THEN at ELSE at - interval '1 hour' * (1 + 71 * pg_temp.u(g, 13)) END AS created_at,
        CASE WHEN status = 'draft' THEN NULL ELSE at END AS submitted_at,
        closed_at,
        CASE WHEN ever_allocated THEN first_allocated_at END AS first_allocated_at,
        CASE WHEN reallocated THEN reallocated_at END AS reallocated_at,
        CASE WHEN reallocated THEN reallocated_at WHEN ever_allocated THEN first_allocated_at END AS allocated_at,
        -- open cases go to keyworkers taking cases, a few of them busier than the rest
        CASE WHEN is_open THEN 1 + floor(%(active_keyworkers)s * power(pg_temp.u(g, 11), 1.25))::int
             ELSE 1 + floor(%(all_keyworkers)s * pg_temp.u(g, 11))::int END AS keyworker_no,
        1 + mod(g, %(supervisors)s)::int AS supervisor_no,
        1 + mod(g, %(officers)s)::int AS officer_no,
        pg_temp.u(person_no, 20) < 0.2 AS female
    FROM reallocated
    """,
    "ALTER TABLE bench_case ADD PRIMARY KEY (g)",
    "ANALYZE bench_case",
]

INSERT_SQL = [
    # People, at their first case; their postcode is in one of their team's areas.
    """
    INSERT INTO cases_person (id, first_names, last_name, name_key, date_of_birth, sex, ethnicity, address_line_1,
        address_line_2, town, postcode, phone, email, preferred_contact, pnc_id, created_at, reminders_by)
    SELECT %(person_base)s + person_no, first_names, last_name, lower(first_names || ' ' || last_name),
        (created_at - interval '1 day' * (365.25 * (18 + 42 * power(pg_temp.u(person_no, 24), 1.8))))::date,
        sex, pg_temp.pick(%(ethnicities)s, pg_temp.u(person_no, 25)),
        (1 + floor(150 * pg_temp.u(person_no, 26)))::text || ' ' || pg_temp.pick(%(streets)s, pg_temp.u(person_no, 27)),
        '', town,
        area || (1 + floor(20 * pg_temp.u(person_no, 28)))::text || ' ' || (1 + floor(9 * pg_temp.u(person_no, 29)))::text
            || chr(65 + floor(26 * pg_temp.u(person_no, 30))::int) || chr(65 + floor(26 * pg_temp.u(person_no, 31))::int),
        CASE WHEN pg_temp.u(person_no, 32) < 0.97 THEN '07700 9' || lpad(mod(person_no, 100000)::text, 5, '0') ELSE '' END,
        CASE WHEN pg_temp.u(person_no, 33) < 0.5 THEN 'person' || person_no || '@example.org' ELSE '' END,
        pg_temp.pick(ARRAY['phone', 'phone', 'text', 'text', 'email', 'post'], pg_temp.u(person_no, 34)),
        CASE WHEN pg_temp.u(person_no, 35) < 0.6
             THEN (10 + floor(16 * pg_temp.u(person_no, 36)))::text || '/' || (100000 + person_no)::text
                  || chr(65 + floor(26 * pg_temp.u(person_no, 37))::int)
             ELSE '' END,
        created_at, ''
    FROM (
        SELECT c.person_no, c.created_at, a.area, a.town,
            CASE WHEN c.female THEN 'female' WHEN pg_temp.u(c.person_no, 21) < 0.01 THEN 'not_known' ELSE 'male' END AS sex,
            CASE WHEN c.female THEN pg_temp.pick(%(female_names)s, pg_temp.u(c.person_no, 22))
                 ELSE pg_temp.pick(%(male_names)s, pg_temp.u(c.person_no, 22)) END AS first_names,
            pg_temp.pick(%(last_names)s, pg_temp.u(c.person_no, 23)) AS last_name
        FROM bench_case c
        JOIN bench_area a ON a.team_no = c.team_no AND a.n = mod(c.person_no, a.areas)
        WHERE NOT c.returning_person
    ) AS people
    """,
    """
    INSERT INTO cases_case (id, status, route, young_adult_offer, womens_offer, override_reason, created_at,
        submitted_at, closed_at, closed_by_id, withdrawal_reason, updated_at, draft_answers, created_by_id, person_id,
        review_flag)
    SELECT %(case_base)s + c.g, c.status,
        CASE WHEN c.status IN ('draft', 'ineligible') THEN ''
             WHEN pg_temp.u(c.g, 14) < 0.65 THEN 'deferred_caution' ELSE 'deferred_charge' END,
        c.status <> 'draft' AND pg_temp.u(c.g, 15) < 0.18,
        c.status <> 'draft' AND c.female AND pg_temp.u(c.g, 16) < 0.6,
        CASE WHEN c.status NOT IN ('draft', 'ineligible') AND pg_temp.u(c.g, 17) < 0.03
             THEN 'Address on the PNC is out of date; a tenancy agreement was seen.' ELSE '' END,
        c.created_at, c.submitted_at, c.closed_at,
        -- the keyworker records a decline at first contact; a supervisor approves the other closures
        CASE WHEN c.status = 'declined' THEN keyworker.user_id
             WHEN c.status IN ('completed', 'breached', 'withdrawn') THEN supervisor.user_id END,
        CASE WHEN c.status = 'withdrawn' THEN pg_temp.pick(%(withdrawal_reasons)s, pg_temp.u(c.g, 18)) ELSE '' END,
        greatest(c.created_at, c.submitted_at, c.allocated_at, c.closed_at),
        '{}'::jsonb, officer.user_id, %(person_base)s + c.person_no, ''
    FROM bench_case c
    JOIN bench_staff officer ON officer.team_no = c.team_no AND officer.role = 'officer' AND officer.k = c.officer_no
    JOIN bench_staff supervisor ON supervisor.team_no = c.team_no AND supervisor.role = 'supervisor' AND supervisor.k = c.supervisor_no
    JOIN bench_staff keyworker ON keyworker.team_no = c.team_no AND keyworker.role = 'keyworker' AND keyworker.k = c.keyworker_no
    """,
    """
    INSERT INTO cases_crime (id, case_id, reference, offence_date, offence_postcode, domestic_abuse, hate_crime,
        co_accused, officer_name, officer_collar_number, officer_email)
    SELECT %(crime_base)s + c.g, %(case_base)s + c.g, 'BN/' || c.g || '/' || to_char(c.created_at, 'YY'),
        (c.created_at - interval '1 day' * (2 + 60 * pg_temp.u(c.g, 40)))::date,
        a.area || (1 + floor(20 * pg_temp.u(c.g, 41)))::text || ' ' || (1 + floor(9 * pg_temp.u(c.g, 42)))::text || 'AB',
        pg_temp.u(c.g, 43) < 0.03, pg_temp.u(c.g, 44) < 0.01, pg_temp.u(c.g, 45) < 0.05,
        'PC ' || pg_temp.pick(%(male_names)s, pg_temp.u(c.g, 46)) || ' ' || pg_temp.pick(%(last_names)s, pg_temp.u(c.g, 47)),
        (1000 + floor(9000 * pg_temp.u(c.g, 48)))::text,
        'oic' || (1 + floor(400 * pg_temp.u(c.g, 49)))::text || '@police.example.org'
    FROM bench_case c
    JOIN bench_area a ON a.team_no = c.team_no AND a.n = mod(c.g, a.areas)
    """,
    """
    INSERT INTO cases_crime_offences (crime_id, offence_id)
    SELECT %(crime_base)s + g, (%(offence_ids)s::bigint[])[1 + floor(pg_temp.u(g, 50) * cardinality(%(offence_ids)s::bigint[]))::int]
    FROM bench_case
    """,
    # The timeline: how each case started, and who it was allocated (and reallocated) to.
    """
    UPDATE cases_case SET outcome_code = CASE
        WHEN status = 'completed' AND route = 'deferred_charge' THEN 22
        WHEN status = 'completed' THEN 3
        WHEN status = 'breached' AND route = 'deferred_charge' THEN 1
        WHEN status = 'breached' THEN 3 END
    WHERE status IN ('completed', 'breached') AND id > %(case_base)s
    """,
    """
    INSERT INTO cases_caseevent (case_id, kind, at, by_id, text)
    SELECT %(case_base)s + c.g,
        CASE c.status WHEN 'draft' THEN 'created' WHEN 'ineligible' THEN 'ineligible' ELSE 'submitted' END,
        coalesce(c.submitted_at, c.created_at), officer.user_id, ''
    FROM bench_case c
    JOIN bench_staff officer ON officer.team_no = c.team_no AND officer.role = 'officer' AND officer.k = c.officer_no
    UNION ALL
    SELECT %(case_base)s + c.g, 'allocated', c.first_allocated_at, supervisor.user_id, 'To ' || keyworker.full_name
    FROM bench_case c
    JOIN bench_staff supervisor ON supervisor.team_no = c.team_no AND supervisor.role = 'supervisor' AND supervisor.k = c.supervisor_no
    JOIN bench_staff keyworker ON keyworker.team_no = c.team_no AND keyworker.role = 'keyworker'
        AND keyworker.k = CASE WHEN c.reallocated THEN 1 + mod(c.keyworker_no, %(all_keyworkers)s) ELSE c.keyworker_no END
    WHERE c.ever_allocated
    UNION ALL
    SELECT %(case_base)s + c.g, 'reallocated', c.reallocated_at, supervisor.user_id, 'To ' || keyworker.full_name
    FROM bench_case c
    JOIN bench_staff supervisor ON supervisor.team_no = c.team_no AND supervisor.role = 'supervisor' AND supervisor.k = c.supervisor_no
    JOIN bench_staff keyworker ON keyworker.team_no = c.team_no AND keyworker.role = 'keyworker' AND keyworker.k = c.keyworker_no
    WHERE c.reallocated
    """,
    # The earlier, ended allocation of reallocated cases (odd ids), then every case's current one (even ids).
    """
    INSERT INTO keyworkers_allocation (id, case_id, keyworker_id, allocated_by_id, allocated_at, note, ended_at,
        ended_by_id, end_reason, end_note)
    SELECT %(allocation_base)s + 2 * c.g - 1, %(case_base)s + c.g, keyworker.user_id, supervisor.user_id,
        c.first_allocated_at, '', c.reallocated_at, supervisor.user_id,
        pg_temp.pick(%(end_reasons)s, pg_temp.u(c.g, 60)), 'Agreed with the keyworker and the person.'
    FROM bench_case c
    JOIN bench_staff supervisor ON supervisor.team_no = c.team_no AND supervisor.role = 'supervisor' AND supervisor.k = c.supervisor_no
    JOIN bench_staff keyworker ON keyworker.team_no = c.team_no AND keyworker.role = 'keyworker'
        AND keyworker.k = 1 + mod(c.keyworker_no, %(all_keyworkers)s)
    WHERE c.reallocated
    UNION ALL
    SELECT %(allocation_base)s + 2 * c.g, %(case_base)s + c.g, keyworker.user_id, supervisor.user_id,
        c.allocated_at, CASE WHEN pg_temp.u(c.g, 61) < 0.05 THEN 'Everyone is busy; most capacity left.' ELSE '' END,
        -- closing a case ends its allocation, as the services do
        CASE WHEN c.is_open THEN NULL ELSE c.closed_at END, CASE WHEN c.is_open THEN NULL ELSE keyworker.user_id END,
        CASE WHEN c.is_open THEN '' ELSE 'case_closed' END, ''
    FROM bench_case c
    JOIN bench_staff supervisor ON supervisor.team_no = c.team_no AND supervisor.role = 'supervisor' AND supervisor.k = c.supervisor_no
    JOIN bench_staff keyworker ON keyworker.team_no = c.team_no AND keyworker.role = 'keyworker' AND keyworker.k = c.keyworker_no
    WHERE c.ever_allocated
    """,
    # Reviews fall due five working days after the allocation; those over a week old have been done.
    """
    INSERT INTO keyworkers_allocationreview (allocation_id, due_on, outcome, note, reviewed_at, reviewed_by_id)
    SELECT id, due_on,
        CASE WHEN reviewed THEN CASE WHEN pg_temp.u(id, 71) < 0.03 THEN 'changed' ELSE 'agreed' END ELSE '' END,
        CASE WHEN reviewed AND pg_temp.u(id, 71) < 0.03 THEN 'Moved to a keyworker nearer the person.' ELSE '' END,
        CASE WHEN reviewed THEN least(now(), allocated_at + interval '1 day' * (1 + 5 * pg_temp.u(id, 72))) END,
        CASE WHEN reviewed THEN allocated_by_id END
    FROM (
        SELECT id, allocated_at, allocated_by_id,
            local_day + CASE extract(isodow FROM local_day) WHEN 6 THEN 6 WHEN 7 THEN 5 ELSE 7 END AS due_on,
            allocated_at < now() - interval '8 days' OR pg_temp.u(id, 70) < 0.3 AS reviewed
        FROM (
            SELECT id, allocated_at, allocated_by_id, (allocated_at AT TIME ZONE 'Europe/London')::date AS local_day
            FROM keyworkers_allocation WHERE id > %(allocation_base)s
        ) AS allocations
    ) AS reviews
    """,
]


def dataset_summary() -> dict:
    """Cases by state and the counts the benchmark pages depend on."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM cases_case GROUP BY status")
        by_status = dict(cursor.fetchall())
        cursor.execute("""
            SELECT count(*), count(*) FILTER (WHERE ended_at IS NOT NULL), count(DISTINCT keyworker_id)
            FROM keyworkers_allocation
        """)
        allocations, ended, keyworkers = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_person")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM (SELECT person_id FROM cases_case GROUP BY person_id HAVING count(*) > 1) x")
        returning = cursor.fetchone()[0]
    return {"cases": sum(by_status.values()), "by_status": by_status, "people": people, "returning_people": returning,
            "allocations": allocations, "ended_allocations": ended, "keyworkers_with_cases": keyworkers}


EVER_ALLOCATED = "('allocated', 'assessment', 'active', 'declined', 'completed', 'breached', 'withdrawn')"
OPEN = "('allocated', 'assessment', 'active')"
COHERENCE_CHECKS = {
    "open cases without exactly one open allocation, or closed ones with any": f"""
        SELECT count(*) FROM cases_case c
        LEFT JOIN (SELECT case_id, count(*) AS n FROM keyworkers_allocation WHERE ended_at IS NULL GROUP BY case_id) a
            ON a.case_id = c.id
        WHERE c.status IN {EVER_ALLOCATED} AND coalesce(a.n, 0) <> CASE WHEN c.status IN {OPEN} THEN 1 ELSE 0 END""",
    "cases never allocated that have an allocation": f"""
        SELECT count(*) FROM cases_case c WHERE c.status NOT IN {EVER_ALLOCATED}
        AND EXISTS (SELECT 1 FROM keyworkers_allocation a WHERE a.case_id = c.id)""",
    "allocations without a review": """
        SELECT count(*) FROM keyworkers_allocation a
        WHERE NOT EXISTS (SELECT 1 FROM keyworkers_allocationreview r WHERE r.allocation_id = a.id)""",
    "allocations ending before they start": "SELECT count(*) FROM keyworkers_allocation WHERE ended_at < allocated_at",
    "allocations to someone who is not a keyworker with a staff profile": """
        SELECT count(*) FROM keyworkers_allocation a
        WHERE NOT EXISTS (
            SELECT 1 FROM keyworkers_staffprofile p
            JOIN auth_user_groups ug ON ug.user_id = p.user_id
            JOIN auth_group grp ON grp.id = ug.group_id AND grp.name = 'Keyworker'
            WHERE p.user_id = a.keyworker_id)""",
    "keyworkers or supervisors without a staff profile": """
        SELECT count(*) FROM auth_user_groups ug JOIN auth_group grp ON grp.id = ug.group_id
        WHERE grp.name IN ('Keyworker', 'Supervisor', 'Team manager')
        AND NOT EXISTS (SELECT 1 FROM keyworkers_staffprofile p WHERE p.user_id = ug.user_id)""",
    "cases without a person": "SELECT count(*) FROM cases_case WHERE person_id IS NULL",
    "cases without exactly one crime with an offence": """
        SELECT count(*) FROM cases_case c
        LEFT JOIN (SELECT cr.case_id, count(*) AS n FROM cases_crime cr
                   JOIN cases_crime_offences co ON co.crime_id = cr.id GROUP BY cr.case_id) crimes ON crimes.case_id = c.id
        WHERE coalesce(crimes.n, 0) <> 1""",
    "closed cases without a closing time, or open ones with one": """
        SELECT count(*) FROM cases_case
        WHERE (status IN ('ineligible', 'declined', 'completed', 'breached', 'withdrawn')) = (closed_at IS NULL)""",
    "cases closed after allocation without who closed them, or withdrawn without a reason": """
        SELECT count(*) FROM cases_case
        WHERE (status IN ('declined', 'completed', 'breached', 'withdrawn') AND closed_by_id IS NULL)
            OR (status = 'withdrawn' AND withdrawal_reason = '')""",
    "submitted cases without a submission time": "SELECT count(*) FROM cases_case WHERE status <> 'draft' AND submitted_at IS NULL",
    "names whose name_key is not lower-case 'first last'": """
        SELECT count(*) FROM cases_person WHERE name_key <> lower(first_names || ' ' || last_name)""",
    "times in the future": """
        SELECT count(*) FROM cases_case WHERE greatest(created_at, submitted_at, closed_at, updated_at) > now()""",
}


def dataset_problems() -> list[str]:
    """What is wrong with the seeded data, in words; empty when it is coherent."""
    problems = []
    with connection.cursor() as cursor:
        for problem, sql in COHERENCE_CHECKS.items():
            cursor.execute(sql)
            count = cursor.fetchone()[0]
            if count:
                problems.append(f"{count} {problem}")
    return problems


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if len(argv) != 1 or argv[0] not in SIZES:
        raise SystemExit(f"usage: python -m bench.seed {{{'|'.join(SIZES)}}}")
    counts = seed(SIZES[argv[0]])
    problems = dataset_problems()
    if problems:
        raise SystemExit("The seeded data is not coherent: " + "; ".join(problems))
    print(" ".join(f"{table}={count}" for table, count in counts.items()), flush=True)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oocr.settings")
    main(sys.argv[1:])
