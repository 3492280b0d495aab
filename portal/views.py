"""The partner portal's pages (/partner/, partner users only) and the staff pages that feed it: the keyworker's
referral pack, and an administrator's partner accounts page."""

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.generic import FormView, TemplateView

from cases.views.case_page import CasePageMixin
from oocr.audit.services import access_log_record
from oocr.concurrency.services import form_token_new
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin, add_service_errors
from portal import forms, selectors, services
from portal.models import FirstAppointment, PartnerUser, ReferralPack
from referrals.models import Partner, Referral


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


class PartnerMixin:
    """A partner user's page: staff (and removed partner users) are refused."""

    def dispatch(self, request, *args, **kwargs):
        self.account = getattr(request, "partner_user", None)
        if self.account is None:
            raise PermissionDenied("The partner portal is for partner organisations' users")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, partner=self.account.partner, **kwargs)


class HomeView(PartnerMixin, TemplateView):
    """The partner's start page: their referrals, overdue ones first, each with its service level."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        late, rest = selectors.partner_start(account=self.account)
        for referral in late + rest:  # the list names each person: each is a view of their record
            access_log_record(request=self.request, record=referral, person_id=referral.case.person_id,
                              justification="Partner portal: referral list")
        return super().get_context_data(late=late, rest=rest, days_after=_days_after(), **kwargs)


def _days_after() -> int:
    from django.conf import settings

    return settings.PARTNER_PORTAL_DAYS_AFTER


class ReferralPageMixin(PartnerMixin):
    """One referral's pack and the partner's actions on it. Every view is logged."""

    template_name = "portal/referral.html"
    form_name = ""

    @cached_property
    def referral(self) -> Referral:
        try:
            return selectors.partner_referral(account=self.account, referral_id=self.kwargs["pk"])
        except Referral.DoesNotExist as error:
            raise Http404("No such referral") from error

    def get_context_data(self, **kwargs):
        referral = self.referral
        access_log_record(request=self.request, record=referral, person_id=referral.case.person_id,
                          justification="Partner portal: referral pack")
        appointment = getattr(referral, "first_appointment", None)
        initial = {"day": timezone.localtime(appointment.starts_at).date(), "time": timezone.localtime(appointment.starts_at).time(),
                   "place": appointment.place} if appointment else {}
        context = {
            "referral": referral, "pack": referral.pack, "person": referral.case.person, "appointment": appointment,
            "overdue_text": referral.overdue(timezone.localdate()),
            "acknowledge_form": forms.AcknowledgeForm(),
            "appointment_form": forms.AppointmentForm(initial=initial, record_version=appointment.version if appointment else None),
            "session_form": forms.SessionForm(initial={"held_on": timezone.localdate()}, form_token=form_token_new()),
            "note_form": forms.NoteForm(form_token=form_token_new()),
            "close_form": forms.CloseForm(),
        }
        if "form" in kwargs:
            context[self.form_name] = kwargs["form"]
        return super().get_context_data(**context, **kwargs)

    def get_success_url(self) -> str:
        return reverse("portal:referral", args=[self.referral.pk])


class ReferralView(ReferralPageMixin, TemplateView):
    pass


class AcknowledgeView(ReferralPageMixin, ServiceFormMixin, FormView):
    form_class = forms.AcknowledgeForm
    form_name = "acknowledge_form"

    def perform(self, form):
        services.referral_acknowledge(account=self.account, referral_id=self.referral.pk)
        messages.success(self.request, "Referral acknowledged. The keyworker has been told.")


class AppointmentView(ReferralPageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    form_class = forms.AppointmentForm
    form_name = "appointment_form"

    def versioned_record(self):
        return getattr(self.referral, "first_appointment", None)

    def conflict_initial(self, record: FirstAppointment) -> dict:
        when = timezone.localtime(record.starts_at)
        return {"day": when.date(), "time": when.time(), "place": record.place}

    def perform(self, form):
        services.appointment_book(account=self.account, referral_id=self.referral.pk, starts_at=form.starts_at,
                                  place=form.cleaned_data["place"], read_version=form.read_version)
        messages.success(self.request, "First appointment saved. The keyworker has been told.")


class SessionView(ReferralPageMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    form_class = forms.SessionForm
    form_name = "session_form"

    def perform(self, form):
        services.session_record(account=self.account, referral_id=self.referral.pk, **form.cleaned_data)
        messages.success(self.request, "Session recorded. The keyworker has been told.")


class NoteView(ReferralPageMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    form_class = forms.NoteForm
    form_name = "note_form"

    def perform(self, form):
        services.note_add(account=self.account, referral_id=self.referral.pk, text=form.cleaned_data["text"])
        messages.success(self.request, "Note added. The keyworker has been told.")


class CloseView(ReferralPageMixin, ServiceFormMixin, FormView):
    form_class = forms.CloseForm
    form_name = "close_form"

    def perform(self, form):
        pack = services.referral_close(account=self.account, referral_id=self.referral.pk, **form.cleaned_data)
        messages.success(self.request, f"Referral closed: {pack.get_outcome_display().lower()}. The keyworker has been told.")


class ColleaguesView(PartnerMixin, ServiceFormMixin, FormView):
    """The point of contact's page: their organisation's users, invitations waiting, and inviting a colleague."""

    template_name = "portal/colleagues.html"
    form_class = forms.InviteForm

    def dispatch(self, request, *args, **kwargs):
        account = getattr(request, "partner_user", None)
        if account is not None and not account.is_point_of_contact:
            raise PermissionDenied("Only the organisation's point of contact manages its users")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        users, invitations = selectors.colleagues(account=self.account)
        return super().get_context_data(users=users, invitations=invitations, remove_form=forms.RemoveForm(), **kwargs)

    def perform(self, form):
        invitation = services.colleague_invite(account=self.account, base_url=_base_url(self.request), **form.cleaned_data)
        messages.success(self.request, f"Invitation emailed to {invitation.email}. The link works for "
                                       f"{_invitation_days()} days.")

    def get_success_url(self) -> str:
        return reverse("portal:colleagues")


def _invitation_days() -> int:
    from django.conf import settings

    return settings.PARTNER_INVITATION_DAYS


class ColleagueRemoveView(ColleaguesView):
    form_class = forms.RemoveForm
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        account = getattr(request, "partner_user", None)
        if account is not None and account.is_point_of_contact:  # another organisation's user: not found
            self.colleague = get_object_or_404(selectors.colleagues(account=account)[0], pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        colleague = self.colleague
        services.partner_user_remove(account_id=colleague.pk, by=self.request.user)
        messages.success(self.request, f"{colleague.user.get_full_name()} removed: they are signed out and cannot sign in.")


@method_decorator(login_not_required, name="dispatch")
class InvitationView(FormView):
    """The invitation link: choose a user name and password; signing in then asks for a code, as for staff."""

    template_name = "portal/invitation.html"
    form_class = forms.InvitationAcceptForm

    @cached_property
    def invitation(self):
        return services.invitation_by_token(self.kwargs["token"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return render(request, "portal/invitation_signed_in.html")
        if self.invitation is None or not self.invitation.usable():
            return render(request, "portal/invitation_expired.html", {"invitation": self.invitation}, status=410)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form):
        from django.core.exceptions import ValidationError
        from django.shortcuts import redirect


        try:
            services.invitation_accept(token=self.kwargs["token"], username=form.cleaned_data["username"],
                                       password=form.cleaned_data["password1"])
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except services.PortalRefused:
            return render(self.request, "portal/invitation_expired.html", {"invitation": self.invitation}, status=410)
        messages.success(self.request, "Your account is ready. Sign in with your user name and password; you will then "
                                       "set up an authenticator app for the one-time code.")
        return redirect(f"{reverse('login')}?next={reverse('portal:home')}")


# --- Staff pages ---------------------------------------------------------------------------------------


class PackView(CasePageMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    """The keyworker chooses what the partner sees, and follows what the partner records."""

    template_name = "portal/pack_form.html"
    section = "referrals"
    changes_case = True
    form_class = forms.PackForm

    @cached_property
    def referral(self) -> Referral:
        referral = (Referral.objects.select_related("partner", "need_domain").filter(case=self.case, pk=self.kwargs["referral_pk"])
                    .first())
        if referral is None:
            raise Http404("No such referral")
        return referral

    @cached_property
    def pack(self) -> ReferralPack | None:
        return ReferralPack.objects.filter(referral=self.referral).select_related("acknowledged_by", "closed_by").first()

    def versioned_record(self):
        return self.pack

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.pack or ReferralPack(referral=self.referral)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            referral=self.referral, pack=self.pack, appointment=FirstAppointment.objects.filter(referral=self.referral).first(),
            sessions=self.referral.partner_sessions.all(), overdue_text=self.referral.overdue(timezone.localdate()),
            portal_users=PartnerUser.objects.filter(partner=self.referral.partner, removed_at=None).count(), **kwargs)

    def perform(self, form):
        data = {name: form.cleaned_data[name] for name in services.PACK_FIELDS}
        services.pack_save(referral_id=self.referral.pk, case_id=self.case.pk, user=self.request.user, data=data,
                           read_version=form.read_version)
        messages.success(self.request, f"Referral pack shared with {self.referral.partner.name}'s portal users.")

    def get_success_url(self) -> str:
        return reverse("portal:pack", args=[self.case.pk, self.referral.pk])


class PartnerAccountsView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """An administrator's page for a partner's portal: its users, invitations, and inviting its point of contact."""

    permission_required = "accounts.manage_accounts"
    template_name = "portal/partner_accounts.html"
    form_class = forms.InviteForm

    @cached_property
    def partner(self) -> Partner:
        return get_object_or_404(Partner, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "button": "Invite the point of contact"}

    def get_context_data(self, **kwargs):
        users, invitations = selectors.partner_accounts(partner=self.partner)
        return super().get_context_data(partner=self.partner, users=users, invitations=invitations,
                                        remove_form=forms.RemoveForm(), now=timezone.now(), **kwargs)

    def perform(self, form):
        invitation = services.point_of_contact_invite(partner_id=self.partner.pk, by=self.request.user,
                                                      base_url=_base_url(self.request), **form.cleaned_data)
        messages.success(self.request, f"Invitation emailed to {invitation.email}. The link works for "
                                       f"{_invitation_days()} days.")

    def get_success_url(self) -> str:
        return reverse("portal:partner_accounts", args=[self.partner.pk])


class PartnerUserRemoveView(PartnerAccountsView):
    form_class = forms.RemoveForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return FormView.get_form_kwargs(self)

    def perform(self, form):
        account = get_object_or_404(PartnerUser, partner=self.partner, pk=self.kwargs["user_pk"])
        services.partner_user_remove(account_id=account.pk, by=self.request.user)
        messages.success(self.request, f"{account.user.get_full_name()} removed: they are signed out and cannot sign in.")
