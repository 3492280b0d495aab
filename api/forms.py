"""An administrator's forms for API clients (api/pages.py): a client added, with what it may do, the addresses it
may call from, its webhook and its call rate; a client revoked."""

from django import forms
from django.conf import settings

from api.models import address_ranges_parse
from oocr.accounts.forms import AccountFormMixin
from oocr.forms import GovukForm

SCOPE_CHOICES = [(scope, f"{scope}: {description}") for scope, description in settings.API_SCOPES.items()]


class ApiClientForm(AccountFormMixin, GovukForm):
    submit_label = "Add client"
    name = forms.CharField(label="Name", max_length=100, help_text="The system calling, like Niche RMS (live)")
    scopes = forms.MultipleChoiceField(label="What it may do", choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple)
    allowed_addresses = forms.CharField(
        label="Addresses it may call from", max_length=1000,
        help_text="Addresses or ranges, separated by commas, like 10.20.0.0/16, 192.0.2.10",
    )
    webhook_url = forms.URLField(label="Webhook address (optional)", max_length=500, required=False, assume_scheme="https",
                                 help_text="We send contract signed, breached and concluded events here, signed")
    rate_limit_per_minute = forms.IntegerField(label="Calls a minute it may make", min_value=1, max_value=10_000,
                                               initial=settings.API_RATE_LIMIT_PER_MINUTE)
    required_messages = {
        "name": "Enter the client's name", "scopes": "Choose at least one thing it may do",
        "allowed_addresses": "Enter the addresses it may call from",
        "rate_limit_per_minute": "Enter how many calls a minute it may make",
    }

    def clean_allowed_addresses(self):
        value = self.cleaned_data["allowed_addresses"]
        try:
            if not address_ranges_parse(value):
                raise ValueError("Enter the addresses it may call from")
        except ValueError as error:
            raise forms.ValidationError(str(error))
        return ", ".join(part.strip() for part in value.replace("\n", ",").split(",") if part.strip())

    def clean_webhook_url(self):
        value = self.cleaned_data["webhook_url"]
        if value and not value.startswith("https://") and not settings.DEBUG:
            raise forms.ValidationError("Enter a webhook address starting https://")
        return value


class ApiClientRevokeForm(AccountFormMixin, GovukForm):
    submit_label = "Revoke client"
    confirm = forms.BooleanField(label="Its tokens stop working at once and it cannot get new ones")
    required_messages = {"confirm": "Confirm that the client should be revoked"}
