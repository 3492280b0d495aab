"""Sign-in and password forms, rendered with GOV.UK Frontend through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from oocr.accounts.roles import Role
from oocr.forms import GovukForm, GovukFormMixin


class AccountFormMixin(GovukFormMixin):
    """A FormHelper with one submit button, and GOV.UK messages for missing answers."""

    submit_label = "Continue"
    required_messages: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page template writes the form and its token
        self.helper.layout = Layout(*self.fields, Button("submit", self.submit_label))


class SignInForm(AccountFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User name"
    required_messages = {"username": "Enter your user name", "password": "Enter your password"}
    error_messages = {
        "invalid_login": "Enter a correct user name and password. Both are case-sensitive.",
        "inactive": "This account has been closed. Ask an administrator to reopen it.",
    }


class PasswordChangeForm(AccountFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"
    required_messages = {
        "old_password": "Enter your current password",
        "new_password1": "Enter a new password",
        "new_password2": "Enter the new password again",
    }


class PasswordResetForm(AccountFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send reset link"
    required_messages = {"email": "Enter your work email address"}


class SetPasswordForm(AccountFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Set password"
    required_messages = {"new_password1": "Enter a new password", "new_password2": "Enter the new password again"}


class TwoFactorCodeForm(AccountFormMixin, GovukForm):
    """The six-digit code from the authenticator app, or a backup code."""

    submit_label = "Continue"
    code = forms.CharField(
        label="Code", max_length=20, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-10"}),
    )
    required_messages = {"code": "Enter the code from your authenticator app"}


class TwoFactorResetForm(AccountFormMixin, GovukForm):
    submit_label = "Reset two-factor sign-in"
    confirm = forms.BooleanField(label="This person has lost their authenticator app or backup codes, and I have checked who they are")
    required_messages = {"confirm": "Confirm that you have checked who this person is"}


# --- Accounts and roles (administrators) ---------------------------------------------------------------

ROLE_CHOICES = [(role, role) for role in Role.ALL]
REASON_HINT = "Recorded with the change, for whoever checks it later. Do not include health or case details."


class AccountReasonForm(AccountFormMixin, GovukForm):
    """A change to an account, with the reason recorded beside it."""

    reason = forms.CharField(label="Why are you making this change?", help_text=REASON_HINT, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    required_messages = {"reason": "Enter why you are making this change"}


class AccountAddForm(AccountReasonForm):
    submit_label = "Add account"
    first_name = forms.CharField(label="First names", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    username = forms.CharField(label="User name", max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text="Letters, numbers and @ . + - _ only. They sign in with it.")
    email = forms.EmailField(label="Work email address", max_length=254,
                             help_text="We email a link to set their password here.")
    roles = forms.MultipleChoiceField(label="Roles", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    field_order = ["first_name", "last_name", "username", "email", "roles", "reason"]
    required_messages = {
        "first_name": "Enter their first names", "last_name": "Enter their last name",
        "username": "Enter a user name", "email": "Enter their work email address",
        "roles": "Choose at least one role", "reason": "Enter why this account is needed",
    }


class AccountRolesForm(AccountReasonForm):
    submit_label = "Change roles"
    roles = forms.MultipleChoiceField(label="Roles", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple,
                                      required=False, help_text="Leave every box clear to take away all their roles.")
    field_order = ["roles", "reason"]


class AccountCloseForm(AccountReasonForm):
    submit_label = "Close account"


class AccountReopenForm(AccountReasonForm):
    submit_label = "Reopen account"
