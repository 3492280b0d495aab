"""The trials app's forms: a trial's set-up, start and stop for the trial manager; a case's randomisation, exclusion
and crossover. Shapes of input only; the rules are the services'."""

from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms

from oocr.forms import GovukDateField, GovukForm, page_helper
from trials import strata
from trials.models import Exclusion, Trial, TrialArm

ROUTE_CHOICES = [("deferred_caution", "Deferred caution"), ("deferred_charge", "Deferred charge")]
BLOCK_CHOICES = [("1", "One lot of the ratio (2 for 1:1)"), ("2", "Two lots (4 for 1:1)"), ("3", "Three lots (6 for 1:1)")]


class TrialForm(GovukForm):
    """A trial's set-up, with two arms: the change being tested, and the comparison (control)."""

    name = forms.CharField(label="Name of the trial", max_length=200)
    protocol_reference = forms.CharField(label="Protocol reference", max_length=100,
                                         help_text="As registered, for example ISRCTN12345678")
    mode = forms.ChoiceField(label="Test or live?", choices=Trial.Mode.choices, widget=forms.RadioSelect,
                             help_text="A test trial is for practice: its allocations change nothing on the case and are kept apart.")
    treatment_name = forms.CharField(label="Name of the treatment arm", max_length=100,
                                     help_text="What is being tested, for example Enhanced offer for 18 to 25s")
    treatment_ratio = forms.IntegerField(label="Treatment arm's share of the allocation ratio", min_value=1, max_value=10,
                                         initial=1)
    control_name = forms.CharField(label="Name of the control arm", max_length=100, help_text="For example Usual process")
    control_ratio = forms.IntegerField(label="Control arm's share of the allocation ratio", min_value=1, max_value=10, initial=1)
    control_next_step = forms.ChoiceField(label="What happens to someone in the control arm?", choices=TrialArm.NextStep.choices,
                                          widget=forms.RadioSelect)
    algorithm = forms.ChoiceField(label="How are people allocated?", choices=Trial.Algorithm.choices, widget=forms.RadioSelect)
    strata = forms.MultipleChoiceField(label="Stratify (or minimise) by", choices=strata.CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    block_multiples = forms.MultipleChoiceField(label="Block sizes (permuted blocks)", choices=BLOCK_CHOICES, required=False,
                                                widget=forms.CheckboxSelectMultiple,
                                                help_text="Each block's size is drawn at random from those chosen.")
    minimisation_probability = forms.DecimalField(label="Chance of the best arm (minimisation)", min_value=0.5, max_value=1,
                                                  max_digits=3, decimal_places=2, initial="0.80", help_text="Between 0.50 and 1, like 0.80")
    start_date = GovukDateField(what="start date", help_text="The first day anyone can be randomised, like 1 3 2027")
    stop_date = GovukDateField(what="stop date", required=False, help_text="Optional: the last day anyone can be randomised")
    target_size = forms.IntegerField(label="Target number to randomise", min_value=2, max_value=20_000)
    min_age = forms.IntegerField(label="Youngest age the trial takes (optional)", min_value=18, max_value=120, required=False)
    max_age = forms.IntegerField(label="Oldest age the trial takes (optional)", min_value=18, max_value=120, required=False)
    routes = forms.MultipleChoiceField(label="Routes the trial takes", choices=ROUTE_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple, help_text="None ticked: both")
    include_overrides = forms.BooleanField(label="Take cases submitted by override", required=False)
    treatment_window_days = forms.IntegerField(
        label="Days within which the contract must be signed to count as receiving the scheme", min_value=1, max_value=365,
        initial=28)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(
            self,
            Field.text("name"), Field.text("protocol_reference", field_width=20), Field.radios("mode", legend_size=Size.SMALL),
            Fieldset(Field.text("treatment_name"), Field.text("treatment_ratio", field_width=2), Field.text("control_name"),
                     Field.text("control_ratio", field_width=2), Field.radios("control_next_step", legend_size=Size.SMALL),
                     legend="Arms", legend_size=Size.MEDIUM),
            Fieldset(Field.radios("algorithm", legend_size=Size.SMALL), Field.checkboxes("strata", legend_size=Size.SMALL),
                     Field.checkboxes("block_multiples", legend_size=Size.SMALL),
                     Field.text("minimisation_probability", field_width=4), legend="Allocation", legend_size=Size.MEDIUM),
            Fieldset(Field("start_date"), Field("stop_date"), Field.text("target_size", field_width=5),
                     legend="Dates and size", legend_size=Size.MEDIUM),
            Fieldset(Field.text("min_age", field_width=3), Field.text("max_age", field_width=3),
                     Field.checkboxes("routes", legend_size=Size.SMALL), Field.checkbox("include_overrides"),
                     Field.text("treatment_window_days", field_width=3),
                     legend="Eligibility and treatment received", legend_size=Size.MEDIUM),
            Button("submit", "Save the trial"),
        )

    def clean(self):
        data = super().clean()
        if data.get("algorithm") == Trial.Algorithm.PERMUTED_BLOCKS and "block_multiples" in data and not data["block_multiples"]:
            self.add_error("block_multiples", "Select at least one block size")
        return data

    def service_data(self) -> tuple[dict, list[dict]]:
        data = dict(self.cleaned_data)
        arms = [
            {"code": "treatment", "name": data.pop("treatment_name"), "ratio": data.pop("treatment_ratio"),
             "next_step": TrialArm.NextStep.QUEUE, "is_control": False},
            {"code": "control", "name": data.pop("control_name"), "ratio": data.pop("control_ratio"),
             "next_step": data.pop("control_next_step"), "is_control": True},
        ]
        data["block_multiples"] = [int(value) for value in data["block_multiples"]] or [1]
        return data, arms

    @staticmethod
    def initial_of(trial: Trial) -> dict:
        arms = {arm.code: arm for arm in trial.arms.all()}
        treatment, control = arms.get("treatment"), arms.get("control")
        initial = {name: getattr(trial, name) for name in (
            "name", "protocol_reference", "mode", "algorithm", "strata", "minimisation_probability", "start_date", "stop_date",
            "target_size", "min_age", "max_age", "routes", "include_overrides", "treatment_window_days")}
        initial["block_multiples"] = [str(value) for value in trial.block_multiples]
        if treatment and control:
            initial.update(treatment_name=treatment.name, treatment_ratio=treatment.ratio, control_name=control.name,
                           control_ratio=control.ratio, control_next_step=control.next_step)
        return initial


class TrialStartForm(GovukForm):
    confirm = forms.BooleanField(label="I have checked the set-up: start the trial and make its sequence")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.checkbox("confirm"), Button("submit", "Start the trial"))


class TrialStopForm(GovukForm):
    reason = forms.CharField(label="Why is the trial stopping?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.textarea("reason"), Button("submit", "Stop the trial", css_class="govuk-button--warning"))


class RandomiseForm(GovukForm):
    trial = forms.TypedChoiceField(label="Which trial?", coerce=int, widget=forms.RadioSelect)
    confirm = forms.BooleanField(label="Eligibility, consent and the baseline are complete: randomise now")

    def __init__(self, *args, trials=(), shown=None, **kwargs):
        """`trials` may be posted; `shown` (by default the same) are offered: a trial the case was randomised in is
        not offered again, but a stale page's post of it is accepted, to be told of the allocation made before."""
        super().__init__(*args, **kwargs)
        self.fields["trial"].choices = [(trial.pk, trial.name) for trial in trials]
        self.fields["trial"].widget.choices = [(trial.pk, trial.name) for trial in (trials if shown is None else shown)]
        self.helper = page_helper(self, Field.radios("trial", legend_size=Size.MEDIUM), Field.checkbox("confirm"),
                                  Button("submit", "Randomise"))


class ExclusionForm(GovukForm):
    reason = forms.ChoiceField(label="Why is the person excluded?", choices=Exclusion.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False,
                              help_text="Required for Other")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = page_helper(self, Field.radios("reason", legend_size=Size.MEDIUM), Field.textarea("details"),
                                  Button("submit", "Record the exclusion"))


class CrossoverForm(GovukForm):
    received_arm = forms.TypedChoiceField(label="Whose treatment did the person receive?", coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, arms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_arm"].choices = [(arm.pk, arm.name) for arm in arms]
        self.helper = page_helper(self, Field.radios("received_arm", legend_size=Size.MEDIUM), Field.textarea("reason"),
                                  Button("submit", "Record the crossover"))
