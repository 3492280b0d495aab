"""Filter forms rendered once per process for each set of values, for list pages opened many times a minute."""

from threading import Lock

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

# Distinct filter states kept per process: the queue's filters have a few dozen; odd addresses only fill it.
FORM_HTML_KEPT = 256


class FormHtmlOnceMixin:
    """A FilterSet whose form's markup depends on nothing but the values in the address (fixed choices, no user,
    no database): `form_html` renders it through crispy-forms once per set of values and process, then reuses it.

    Rendering a filter form through crispy-forms costs more than the rest of a list page's template
    (python -m bench.profile). templates/partials/filter_panel.html uses `form_html` where a filter has it.
    Only for filters whose choices never change while the process runs.
    """

    _form_html: dict = {}
    _form_html_lock = Lock()

    def form_html(self):
        form = self.form
        # The values given, and each field's choices (a setting such as the force's areas may change in tests).
        key = (type(self).__module__, type(self).__qualname__, tuple(
            (name, tuple(self.data.getlist(name)) if hasattr(self.data, "getlist") else self.data.get(name),
             tuple(getattr(field, "choices", ()))) for name, field in form.fields.items()))
        html = self._form_html.get(key)
        if html is None:
            html = as_crispy_form(form)
            with self._form_html_lock:
                if len(self._form_html) >= FORM_HTML_KEPT:
                    self._form_html.clear()
                self._form_html[key] = html
        return html
