"""The search box in the header of every page, and its results page (post, redirect, get: nothing typed in the address)."""

from django.shortcuts import redirect
from django.views.generic import FormView

from cases import forms, selectors
from oocr.views import RoleRequiredMixin


SEARCH_SESSION_KEY = "case_search"
# A search the form refused, kept for the one page the refusal redirects to: shown again in the box with its error.
SEARCH_REJECTED_SESSION_KEY = "case_search_rejected"
SEARCH_REJECTED_KEPT = 200  # characters of it kept: over the form's 100, so too long a search is still refused
SEARCH_PERMISSIONS = ("cases.view_team_cases", "accounts.hold_caseload", "cases.submit_case", "cases.view_all_submissions")


class CaseSearchView(RoleRequiredMixin, FormView):
    """One box, in the header of every page: find a case by name, date of birth, case number, crime reference or PNC ID.

    The box posts, and the page the post redirects to shows the results of the search kept in the session: a name
    typed there is personal data, and a GET form would put it in the address, the browser's history, the server's
    and any proxy's access logs and the Referer of the next page. The results page's own address holds nothing.
    """

    permission_required = SEARCH_PERMISSIONS
    form_class = forms.CaseSearchForm
    template_name = "cases/search.html"

    def has_permission(self):
        return any(self.request.user.has_perm(permission) for permission in self.get_permission_required())

    rejected = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            session = self.request.session
            if SEARCH_REJECTED_SESSION_KEY in session:  # refused: typed again in the box, with why, once
                self.rejected = True
                kwargs["data"] = {"q": session.pop(SEARCH_REJECTED_SESSION_KEY)}
            elif session.get(SEARCH_SESSION_KEY):
                kwargs["data"] = {"q": session[SEARCH_SESSION_KEY]}  # the search kept: shown with its results
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        results = None
        if form.is_bound and form.is_valid():
            terms = selectors.search_terms(**form.parts)
            results = selectors.case_search(user=request.user, terms=terms)
        elif form.is_bound and not self.rejected:
            form = self.form_class()  # a kept search no longer valid: an empty box, no error before anything is typed
        return self.render_to_response(self.get_context_data(form=form, results=results))

    def form_valid(self, form):
        self.request.session.pop(SEARCH_REJECTED_SESSION_KEY, None)
        self.request.session[SEARCH_SESSION_KEY] = form.cleaned_data["q"]
        return redirect("cases:search")

    def form_invalid(self, form):
        """Post, redirect, get, for a refusal too: the box in the header of any page posts here, and the page a
        refusal lands on must survive a refresh or Back. What was typed comes back in the box, with the error."""
        typed = self.request.POST.get("q", "")
        self.request.session.pop(SEARCH_SESSION_KEY, None)  # the results of the search before are not this one's
        self.request.session[SEARCH_REJECTED_SESSION_KEY] = typed[:SEARCH_REJECTED_KEPT]
        return redirect("cases:search")
