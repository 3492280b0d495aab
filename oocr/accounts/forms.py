"""Sign-in and password forms, rendered with GOV.UK Frontend through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.contrib.auth import forms as auth_forms

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
