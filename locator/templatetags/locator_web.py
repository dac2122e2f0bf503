"""How a provider's facts read on a page: links, labels and dates, in the page's language."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from locator.models import Provider, SourceFile
from locator.provenance import SourceListing
from locator.vocabulary import APPROXIMATE_PRECISIONS, Age, DatePrecision, Group, Language, Medication, Payment, Setting

register = template.Library()

# Read for every result shown: the vocabulary's pairs listed once, not looked up through the enum each time.
_MEDICATION_FIELDS = tuple((medication.label, medication.field_name) for medication in Medication)
_PAYMENT_FIELDS = tuple((payment.label, payment.field_name) for payment in Payment)
# Provider field -> code -> label, for the lists of codes a provider page shows.
_CODE_LABELS = {
    "settings": dict(Setting.choices),
    "groups": dict(Group.choices),
    "ages": dict(Age.choices),
    "languages": dict(Language.choices),
}
_PHONE_RE = re.compile(r"^(\d{3})-(\d{3})-(\d{4})(?: ext\. (\d+))?$")


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, name: str, *args: object) -> str:
    """A link to one of our pages that keeps the language the person chose with the switch."""
    url = reverse(name, args=args)
    chosen = context.get("chosen_language")
    return f"{url}?{urlencode({'lang': chosen})}" if chosen else url


@register.filter
def tel_uri(phone: str) -> str:
    """ "918-555-0100 ext. 12" -> "tel:+19185550100,12" (the comma dials the extension after a pause)."""
    match = _PHONE_RE.match(phone or "")
    if match is None:
        return ""
    area, exchange, line, extension = match.groups()
    return f"tel:+1{area}{exchange}{line}" + (f",{extension}" if extension else "")


@register.filter
def miles(distance_miles: float) -> str:
    if distance_miles < 0.1:
        return str(_("less than 0.1 miles"))
    shown = number_format(distance_miles, 1 if distance_miles < 10 else 0)
    return ngettext("%(miles)s mile", "%(miles)s miles", 1 if shown == "1" else 2) % {"miles": shown}


@register.filter
def is_approximate(provider: Provider) -> bool:
    return provider.location_precision in APPROXIMATE_PRECISIONS


@register.filter
def medications(provider: Provider) -> list[str]:
    return [str(label) for label, field in _MEDICATION_FIELDS if getattr(provider, field)]


_CARE_FACTS = (
    ("settings", _("Type of care")),
    ("groups", _("Programs for")),
    ("ages", _("Ages accepted")),
    ("languages", _("Languages other than English")),
)


@register.simple_tag
def care_facts(provider: Provider) -> list[tuple[str, list[str]]]:
    """(title, labels in the page's language) per list of codes a provider page shows; empty: not stated."""
    return [
        (
            str(title),
            [str(_CODE_LABELS[field][code]) for code in getattr(provider, field) if code in _CODE_LABELS[field]],
        )
        for field, title in _CARE_FACTS
    ]


@register.filter
def payments(provider: Provider) -> list[str]:
    return [str(label) for label, field in _PAYMENT_FIELDS if getattr(provider, field)]


@register.filter
def data_date(listing: SourceListing | SourceFile) -> str:
    """ "Jul 2020", "2017", or "date unknown": a month is as precise as a person needs to judge age."""
    if listing.data_date is None:
        return str(_("date unknown"))
    if listing.data_date_precision == DatePrecision.YEAR:
        return str(listing.data_date.year)
    return date_format(listing.data_date, "M Y")


@register.filter
def directions_url(provider: Provider) -> str:
    """Directions in the person's maps app, to the street address (more exact than an approximate pin)."""
    if provider.street:
        destination = ", ".join(
            part for part in (provider.street, provider.city, f"{provider.state} {provider.zip_code}".strip()) if part
        )
    elif provider.latitude is not None and provider.longitude is not None:
        destination = f"{provider.latitude:.5f},{provider.longitude:.5f}"
    else:
        return ""
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": destination})
