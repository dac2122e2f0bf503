"""The search form and the report form: what a person can ask for, validated into the search core's terms."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from locator.geocoding import MAX_QUERY_LENGTH
from locator.models import ProblemReport
from locator.search import SearchFilters

RADIUS_CHOICES_MILES = (5, 10, 25, 50, 100)
DEFAULT_RADIUS_MILES = 25
MAX_PAGE = 10_000

MEDICATION_CHOICES = [
    ("buprenorphine", _("Buprenorphine")),
    ("methadone", _("Methadone")),
    ("naltrexone", _("Naltrexone")),
]
# What people ask about most, each standing for the search core's payment codes it covers.
PAYMENT_CHOICES = [
    ("medicaid", _("Accepts Medicaid")),
    ("medicare", _("Accepts Medicare")),
    ("sliding_fee", _("Sliding fee or free care")),
]
PAYMENT_CODES_BY_CHOICE = {"medicaid": {"medicaid"}, "medicare": {"medicare"}, "sliding_fee": {"sliding_fee", "free"}}
LANGUAGE_CHOICES = [("es", _("Spanish spoken"))]


class SearchForm(forms.Form):
    """A plain GET form: every search is a URL someone can share, and it works without JavaScript."""

    near = forms.CharField(
        label=_("ZIP code, city or address"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "search", "spellcheck": "false"}),
    )
    # Filled by "Use my location" (rounded to about 100 m), only when the person asks for it.
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    medication = forms.MultipleChoiceField(
        label=_("Medication"), required=False, choices=MEDICATION_CHOICES, widget=forms.CheckboxSelectMultiple
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
    language = forms.MultipleChoiceField(
        label=_("Language"), required=False, choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict | None = None):
        if data is not None and not data.get("radius"):
            # A shared link without a distance shows the distance it was searched with.
            data = data.copy()
            data["radius"] = str(DEFAULT_RADIUS_MILES)
        super().__init__(data)

    def clean(self) -> dict:
        data = super().clean()
        has_point = data.get("lat") is not None and data.get("lng") is not None
        if not data.get("near", "").strip() and not has_point and not self.errors:
            raise forms.ValidationError(
                _("Enter a ZIP code, a city and state, or an address, or use your location."), code="no_location"
            )
        return data

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            medications=frozenset(data["medication"]),
            otp_only=data["otp"],
            payments=frozenset(code for choice in data["payment"] for code in PAYMENT_CODES_BY_CHOICE[choice]),
            telehealth=data["telehealth"],
            language=data["language"][0] if data["language"] else "",
        )

    @property
    def has_more_filters(self) -> bool:
        """Whether any of the filters folded away by default is set, so the page shows them open."""
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("payment") or data.get("telehealth") or data.get("language"))

    @property
    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


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
