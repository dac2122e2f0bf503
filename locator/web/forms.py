"""The search form and the report form: what a person can ask for, validated into the search core's terms."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from locator.geo import STATE_NAMES
from locator.models import ProblemReport
from locator.places import MAX_QUERY_LENGTH
from locator.plain_numbers import is_plain_decimal, is_plain_integer
from locator.search import SearchFilters
from locator.selectors import MAX_PAGE
from locator.vocabulary import AccessMedication, Age, Group, Language, Medication, Payment, Setting

RADIUS_CHOICES_MILES = (5, 10, 25, 50, 100)
DEFAULT_RADIUS_MILES = 25

# What people ask about most, each choice standing for the payment codes it covers.
PAYMENT_CHOICES = [
    (Payment.MEDICAID.value, _("Accepts Medicaid")),
    (Payment.MEDICARE.value, _("Accepts Medicare")),
    (Payment.SLIDING_FEE.value, _("Sliding fee or free care")),
]
PAYMENTS_BY_CHOICE = {
    Payment.MEDICAID: {Payment.MEDICAID},
    Payment.MEDICARE: {Payment.MEDICARE},
    Payment.SLIDING_FEE: {Payment.SLIDING_FEE, Payment.FREE},
}
# Asked for often enough to be a checkbox; the other languages are in a list.
COMMON_LANGUAGES = (Language.SPANISH.value, Language.SIGN_LANGUAGE.value)


class CodesField(forms.MultipleChoiceField):
    """Several codes of one filter, from checkboxes and lists of one name; an empty list choice is none."""

    def __init__(self, *, label: str, choices: list[tuple[str, str]]):
        super().__init__(label=label, required=False, choices=choices, widget=forms.CheckboxSelectMultiple)

    def to_python(self, value: object) -> list[str]:
        return [code for code in super().to_python(value) if code]


class PlainFloatField(forms.FloatField):
    def to_python(self, value: object) -> float | None:
        if value not in self.empty_values and not is_plain_decimal(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PlainIntegerField(forms.IntegerField):
    def to_python(self, value: object) -> int | None:
        if value not in self.empty_values and not is_plain_integer(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SearchForm(forms.Form):
    """A plain GET form: every search is a URL someone can share, and it works without JavaScript."""

    near = forms.CharField(
        label=_("ZIP code, city or address"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "search", "spellcheck": "false"}),
    )
    # Filled by "Use my location" (rounded to about 100 m), only when the person asks for it.
    lat = PlainFloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = PlainFloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    medication = forms.MultipleChoiceField(
        label=_("Medication"), required=False, choices=Medication.choices, widget=forms.CheckboxSelectMultiple
    )
    otp = forms.BooleanField(label=_("Only certified opioid treatment programs (OTPs)"), required=False)
    radius = forms.TypedChoiceField(
        label=_("Distance"),
        choices=[(miles, format_lazy(_("Within {miles} miles"), miles=miles)) for miles in RADIUS_CHOICES_MILES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS_MILES,
        initial=DEFAULT_RADIUS_MILES,
    )
    payment = forms.MultipleChoiceField(
        label=_("Payment"), required=False, choices=PAYMENT_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    telehealth = forms.BooleanField(label=_("Offers telehealth"), required=False)
    setting = CodesField(label=_("Type of care"), choices=Setting.choices)
    group = CodesField(label=_("Programs for"), choices=Group.choices)
    age = CodesField(label=_("Age"), choices=Age.choices)
    language = CodesField(label=_("Language"), choices=Language.choices)
    # The page of each list: treatment programs, and individual prescribers.
    page = PlainIntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)
    prescribers_page = PlainIntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)
    # Show the listings that do not say whether they offer what the other filters ask for.
    unstated = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict | None = None):
        if data is not None and not data.get("radius"):
            # A shared link without a distance shows the distance it was searched with.
            data = data.copy()
            data["radius"] = str(DEFAULT_RADIUS_MILES)
        super().__init__(data)

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        filters = SearchFilters(
            medications=frozenset(data["medication"]),
            otp_only=data["otp"],
            payments=frozenset(code for choice in data["payment"] for code in PAYMENTS_BY_CHOICE[Payment(choice)]),
            telehealth=data["telehealth"],
            settings=frozenset(data["setting"]),
            groups=frozenset(data["group"]),
            ages=frozenset(data["age"]),
            languages=frozenset(data["language"]),
        )
        return filters.unstated() if data["unstated"] and filters.asks_about_services else filters

    @property
    def has_more_filters(self) -> bool:
        """Whether any of the filters folded away by default is set, so the page shows them open."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("payment", "telehealth", "setting", "group", "age", "language"))

    def chosen_labels(self) -> list[str]:
        """What the person asked for besides the place and distance, as the form words it."""
        data = getattr(self, "cleaned_data", {})
        labels = []
        for name in ("medication", "payment", "setting", "group", "age", "language"):
            words = dict(self.fields[name].choices)
            labels += [str(words[code]) for code in data.get(name, ()) if code in words]
        labels += [str(self.fields[name].label) for name in ("otp", "telehealth") if data.get(name)]
        return labels

    @property
    def care_fields(self) -> list[forms.BoundField]:
        return [self["setting"], self["group"], self["age"]]

    def language_choices(self) -> tuple[list[forms.BoundField], list[tuple[str, str, bool]]]:
        """The common languages as checkboxes, and the others as (code, label, chosen) for a list."""
        chosen = set(self["language"].value() or ())
        boxes = [box for box in self["language"] if box.data["value"] in COMMON_LANGUAGES]
        others = [(code, label, code in chosen) for code, label in Language.choices if code not in COMMON_LANGUAGES]
        return boxes, others

    def page_number(self, parameter: str) -> int:
        return self.cleaned_data.get(parameter) or 1


class ProblemReportForm(forms.ModelForm):
    problem = forms.ChoiceField(
        label=_("What is wrong?"), choices=ProblemReport.Problem.choices, widget=forms.RadioSelect
    )
    # A field people never see: bots that fill in every field give themselves away.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = ProblemReport
        fields = ["problem", "details"]
        labels = {"details": _("Details (optional)")}
        help_texts = {"details": _("Please do not include your name or anything about your health.")}
        widgets = {"details": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("homepage"):
            raise forms.ValidationError(
                _("Your report could not be sent. Please leave the last field empty."), code="honeypot"
            )
        return data


class AccessForm(forms.Form):
    """The access page's GET form: a state, and the medication its tables and map measure."""

    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Choose a state")), *sorted(STATE_NAMES.items(), key=lambda item: item[1])],
    )
    medication = forms.ChoiceField(
        label=_("Medication"),
        choices=AccessMedication.choices,
        required=False,
        initial=AccessMedication.METHADONE.value,
    )

    def clean_medication(self) -> AccessMedication:
        return AccessMedication(self.cleaned_data["medication"] or AccessMedication.METHADONE)
