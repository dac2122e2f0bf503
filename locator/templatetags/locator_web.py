"""How a provider's facts read on a page: links, labels and dates, in the page's language."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from locator.addresses import destination_street, is_po_box
from locator.importing.directory_code_words import worded_service_groups
from locator.models import Provider, SourceFile
from locator.provenance import SourceListing
from locator.vocabulary import (
    APPROXIMATE_PRECISIONS,
    Age,
    DatePrecision,
    Group,
    Kind,
    Language,
    LocationPrecision,
    Medication,
    Payment,
    Setting,
    Source,
)

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
# Closer than this to a ZIP or city centre is being at the centre itself: the search was at that place.
SAME_CENTER_MILES = 0.05
_PHONE_RE = re.compile(r"^(\d{3})-(\d{3})-(\d{4})(?: ext\. (\d+))?$")


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, name: str, *args: object) -> str:
    """A link to one of our pages that keeps the language the person chose with the switch."""
    url = reverse(name, args=args)
    chosen = context.get("chosen_language")
    return f"{url}?{urlencode({'lang': chosen})}" if chosen else url


@register.filter
def service_groups(provider: Provider) -> list[dict]:
    """SAMHSA's service list as words: the National Directory's codes read through its key."""
    return worded_service_groups(provider.services)


@register.filter
def tel_uri(phone: str) -> str:
    """ "918-555-0100 ext. 12" -> "tel:+19185550100,12" (the comma dials the extension after a pause)."""
    match = _PHONE_RE.match(phone or "")
    if match is None:
        return ""
    area, exchange, line, extension = match.groups()
    return f"tel:+1{area}{exchange}{line}" + (f",{extension}" if extension else "")


@register.simple_tag
def distance(provider: Provider, distance_miles: float) -> str:
    """How far, no finer than the location is known: "2.3 miles"; to a ZIP or city centre "about 2 miles
    (center of ZIP 74103)", or "in ZIP 74103" when the search was at that very centre."""
    if provider.location_precision == LocationPrecision.ZIP_CENTROID:
        if distance_miles < SAME_CENTER_MILES:
            return str(_("in ZIP %(zip)s") % {"zip": provider.zip_code})
        where = _("center of ZIP %(zip)s") % {"zip": provider.zip_code}
    elif provider.location_precision == LocationPrecision.CITY_CENTROID:
        if distance_miles < SAME_CENTER_MILES:
            return str(_("in %(city)s") % {"city": provider.city})
        where = _("center of %(city)s") % {"city": provider.city}
    else:
        return miles(distance_miles)
    whole = max(1, round(distance_miles))
    about = ngettext("about %(miles)s mile", "about %(miles)s miles", whole) % {"miles": number_format(whole)}
    return f"{about} ({where})"


@register.filter
def practitioner_listed(provider: Provider) -> str:
    """The year the Practitioner Locator listed a practitioner, when that is this listing's only source."""
    listings = getattr(provider, "source_listings", [])
    if provider.kind != Kind.PRACTITIONER or any(listing.source != Source.PRACTITIONER_LOCATOR for listing in listings):
        return ""
    years = [listing.data_date.year for listing in listings if listing.data_date]
    return str(max(years)) if years else str(_("an unknown year"))


@register.filter
def miles(distance_miles: float) -> str:
    if distance_miles < 0.1:
        return str(_("less than 0.1 miles"))
    shown = number_format(distance_miles, 1 if distance_miles < 10 else 0)
    return ngettext("%(miles)s mile", "%(miles)s miles", 1 if shown == "1" else 2) % {"miles": shown}


@register.filter
def percent(share: float | None) -> str:
    """A share from 0 to 1 as a whole percentage; a dash where there is nothing to share."""
    return "–" if share is None else f"{number_format(share * 100, 0)}%"


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
    """ "July 2020" ("julio de 2020"), "2017", or "date unknown": a month is as precise as a person needs to
    judge age."""
    if listing.data_date is None:
        return str(_("date unknown"))
    if listing.data_date_precision == DatePrecision.YEAR:
        return str(listing.data_date.year)
    return _year_and_month(listing.data_date, get_language())


@lru_cache(maxsize=256)
def _year_and_month(when: date, language: str) -> str:
    """Kept by language: a page names the same few files' dates on every card (a sixth of a card's rendering)."""
    return date_format(when, "YEAR_MONTH_FORMAT")


@register.filter
def mailing_only(provider: Provider) -> bool:
    """Whether the only address SAMHSA gives is a mailing box: nowhere a person can go."""
    return not destination_street(provider.street, provider.street2) and is_po_box(provider.street)


@register.filter
def directions_url(provider: Provider) -> str:
    """Directions in the person's maps app, to the street line with the house number (more exact than an
    approximate pin); none to a mailing box or to the centre of a city."""
    street = destination_street(provider.street, provider.street2)
    if street:
        destination = ", ".join(
            part for part in (street, provider.city, f"{provider.state} {provider.zip_code}".strip()) if part
        )
    elif is_po_box(provider.street) or provider.location_precision in APPROXIMATE_PRECISIONS:
        return ""
    elif provider.latitude is not None and provider.longitude is not None:
        destination = f"{provider.latitude:.5f},{provider.longitude:.5f}"
    else:
        return ""
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": destination})
