"""The shapes of the API: what a client sends and what it gets back (the OpenAPI schema is made from these)."""

from django.conf import settings
from rest_framework import serializers

from cases.eligibility import ADMISSION
from cases.models import Case, Person, Victim
from api.models import ApiEvent, OffenceCode

REFERENCE_HELP = "The crime reference in the force's records system: " + settings.CRIME_REFERENCE_HELP


class PersonIn(serializers.Serializer):
    first_names = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Person.Sex.values)
    ethnicity = serializers.ChoiceField(choices=Person.Ethnicity.values, default=Person.Ethnicity.NOT_STATED)
    pnc_id = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    address_line_1 = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    address_line_2 = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    postcode = serializers.CharField(max_length=8, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, default="", allow_blank=True)
    preferred_contact = serializers.ChoiceField(choices=Person.ContactPreference.values,
                                                default=Person.ContactPreference.PHONE)


class OffenceIn(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=OffenceCode.Scheme.values, default=OffenceCode.Scheme.CJS,
                                     help_text="cjs: a CJS offence code; home_office: a Home Office classification")
    code = serializers.CharField(max_length=20)


class OfficerIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    collar_number = serializers.CharField(max_length=20)
    email = serializers.EmailField(max_length=254)


class CrimeIn(serializers.Serializer):
    offence_date = serializers.DateField()
    offence_postcode = serializers.CharField(max_length=8)
    offences = OffenceIn(many=True, min_length=1, max_length=3)
    domestic_abuse = serializers.BooleanField(default=False)
    hate_crime = serializers.BooleanField(default=False)
    co_accused = serializers.BooleanField(default=False)


class VictimIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, default="", allow_blank=True)
    view = serializers.ChoiceField(choices=Victim.View.values, default=Victim.View.NOT_ASKED)
    restorative_consent = serializers.ChoiceField(choices=Victim.RestorativeConsent.values,
                                                  default=Victim.RestorativeConsent.NOT_ASKED)
    date_asked = serializers.DateField(required=False, allow_null=True, default=None)


class ReferralIn(serializers.Serializer):
    suspect_reference = serializers.CharField(max_length=50, help_text="The suspect's reference in the force's system")
    person = PersonIn()
    crime = CrimeIn()
    officer = OfficerIn(help_text="The officer in the case")
    victims = VictimIn(many=True, max_length=10, default=list)
    admission = serializers.ChoiceField(choices=[value for value, _label in ADMISSION.choices], required=False,
                                        allow_null=True, default=None)


class RuleOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["pass", "fail", "unanswered"])
    reason = serializers.CharField()


class EligibilityOut(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["eligible", "ineligible", "needs_answers"])
    rules = RuleOut(many=True)


class ReferralOut(serializers.Serializer):
    crime_reference = serializers.CharField()
    suspect_reference = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.values)
    changed = serializers.BooleanField(help_text="False when the same body was sent before: nothing changed")
    eligibility = EligibilityOut(allow_null=True)


class DifferenceOut(serializers.Serializer):
    field = serializers.CharField()
    stored = serializers.JSONField(allow_null=True)
    sent = serializers.JSONField(allow_null=True)


class FieldError(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class ProblemOut(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = FieldError(many=True, required=False)
    differences = DifferenceOut(many=True, required=False)


class ConditionOut(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()


class OutcomeOut(serializers.Serializer):
    cursor = serializers.CharField(help_text="Pass as since= to read what came after this outcome")
    event = serializers.ChoiceField(choices=[kind.value for kind in ApiEvent.CLOSURES])
    crime_reference = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.values)
    outcome_code = serializers.IntegerField(allow_null=True, help_text="The Home Office outcome code, where there is one")
    outcome_date = serializers.DateField(allow_null=True)
    route = serializers.CharField(allow_blank=True)
    conditions = ConditionOut(many=True)


class OutcomePage(serializers.Serializer):
    outcomes = OutcomeOut(many=True)
    next_cursor = serializers.CharField(help_text="Pass as since= next time; the same cursor when nothing is new")


class CaseOut(serializers.Serializer):
    crime_reference = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.values)
    route = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
