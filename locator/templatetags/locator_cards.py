"""A provider's facts as the results list and the provider page show them: badges, address, reliability,
contact, payment and sources, written here in Python as Django's admin writes its change list rows.

In the template language the twenty cards of a results page took 9 ms, more than the search itself and
most of rendering a search that is not kept. Here every value is escaped with the standard library's
`html.escape` (what Django's `escape` calls) and the fixed words of the current language are looked up
once: the twenty cards take about 1 ms. The words are the templates' words, from the same catalogue.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from locator.models import Provider
from locator.provenance import SourceListing
from locator.search import ProviderMatch
from locator.templatetags.locator_web import (
    data_date,
    directions_url,
    distance,
    is_approximate,
    mailing_only,
    medications,
    payments,
    practitioner_listed,
    tel_uri,
)
from locator.vocabulary import Certification, Kind

register = template.Library()

# Marked for makemessages; translated when a card is written, in the language of its page.
_MESSAGES = {
    "badges": gettext_noop("Medications and programs"),
    "unnamed": gettext_noop("Medication for opioid use disorder (which one not stated: call to ask)"),
    "provisional": gettext_noop("Opioid treatment program, provisionally certified"),
    "certified": gettext_noop("Certified opioid treatment program"),
    "practitioner": gettext_noop("Practitioner"),
    "telehealth": gettext_noop("Telehealth"),
    "spanish": gettext_noop("Spanish spoken"),
    "unstated": gettext_noop("Does not say: call to ask"),
    "sample": gettext_noop("Sample data: not a real provider"),
    "mailing": gettext_noop("Mailing address: %(box)s"),
    "mailing_on_map": gettext_noop("On the map at the center of its city: SAMHSA lists only a mailing address."),
    "approximate": gettext_noop(
        "Approximate location: on the map at the center of its ZIP code or city, so distances to it are approximate."
    ),
    "listed": gettext_noop(
        "SAMHSA's Buprenorphine Practitioner Locator listed this practitioner in %(year)s as able to prescribe "
        "buprenorphine. Call to confirm they still do, and take new patients, before you go."
    ),
    "call": gettext_noop("Call %(phone)s"),
    "intake": gettext_noop("Intake: %(phone)s"),
    "directions": gettext_noop("Directions"),
    "no_directions": gettext_noop("Call for the street address: SAMHSA lists only a mailing address."),
    "farther": gettext_noop("farther than the distance you chose"),
    "payment": gettext_noop("Payment:"),
    "source": gettext_noop("Source:"),
    "sample_source": gettext_noop("sample data"),
}


@lru_cache(maxsize=8)
def _words(language: str) -> dict[str, str]:
    """The cards' fixed words in this language, escaped as `translate` writes them. The sentences that take a
    value stay unescaped, as `blocktranslate` leaves them: the value is escaped where it is put in."""
    words = {key: _(message) for key, message in _MESSAGES.items()}
    return {key: word if "%(" in word else escape(word) for key, word in words.items()}


@register.simple_tag(takes_context=True)
def provider_badges(context: template.Context, provider: Provider) -> SafeString:
    """What a provider offers and is, as badges; "does not say" on a list of listings that state nothing."""
    words = _words(get_language())
    badges = [("badge medication", escape(label)) for label in medications(provider)]
    if provider.moud_medication_not_named:
        badges.append(("badge medication", words["unnamed"]))
    if provider.is_otp:
        certification = "provisional" if provider.otp_certification == Certification.PROVISIONAL else "certified"
        badges.append(("badge otp", words[certification]))
    if provider.kind == Kind.PRACTITIONER:
        badges.append(("badge", words["practitioner"]))
    if provider.offers_telehealth:
        badges.append(("badge", words["telehealth"]))
    if provider.offers_spanish:
        badges.append(("badge", words["spanish"]))
    if context.get("showing_unstated"):
        badges.append(("badge unstated", words["unstated"]))
    if provider.is_sample:
        badges.append(("badge sample", words["sample"]))
    items = "\n".join(f'<li class="{css}">{label}</li>' for css, label in badges)
    return mark_safe(f'<ul class="badges" aria-label="{words["badges"]}">\n{items}\n</ul>')


@register.simple_tag
def provider_address(provider: Provider) -> SafeString:
    if mailing_only(provider):
        box = _words(get_language())["mailing"] % {"box": escape(provider.street)}
        lines = [f'<span class="mailing">{box}</span>']
    else:
        lines = [escape(provider.street)] if provider.street else []
    if provider.street2:
        lines.append(escape(provider.street2))
    street = "".join(f"{line}<br>" for line in lines)
    city = f"{escape(provider.city)}, " if provider.city else ""
    return mark_safe(f"<address>\n{street}{city}{escape(provider.state)} {escape(provider.zip_code)}\n</address>")


@register.simple_tag
def provider_reliability(provider: Provider) -> SafeString:
    """Where the map puts an approximate location, and how old a practitioner's only listing is."""
    words = _words(get_language())
    notes = []
    if mailing_only(provider):
        notes.append(f'<p class="approximate">{words["mailing_on_map"]}</p>')
    elif is_approximate(provider):
        notes.append(f'<p class="approximate">{words["approximate"]}</p>')
    year = practitioner_listed(provider)
    if year:
        notes.append(f'<p class="reliability">{words["listed"] % {"year": escape(year)}}</p>')
    return mark_safe("\n".join(notes))


@register.simple_tag
def provider_contact(provider: Provider) -> SafeString:
    """Phone links that dial, and directions where there is a street to go to."""
    words = _words(get_language())
    items = []
    phone_uri = tel_uri(provider.phone)
    if provider.phone and phone_uri:
        call = words["call"] % {"phone": escape(provider.phone)}
        items.append(f'<li><a class="call" href="{escape(phone_uri)}">{call}</a></li>')
    intake_uri = tel_uri(provider.intake_phone)
    if provider.intake_phone and provider.intake_phone != provider.phone and intake_uri:
        intake = words["intake"] % {"phone": escape(provider.intake_phone)}
        items.append(f'<li><a class="call" href="{escape(intake_uri)}">{intake}</a></li>')
    directions = directions_url(provider)
    if directions:
        items.append(f'<li><a href="{escape(directions)}" rel="noreferrer">{words["directions"]}</a></li>')
    elif mailing_only(provider):
        items.append(f'<li class="no-directions">{words["no_directions"]}</li>')
    return mark_safe('<ul class="contact">\n' + "\n".join(items) + "\n</ul>")


def _sources(listings: list[SourceListing], words: dict[str, str]) -> str:
    sample = f" ({words['sample_source']})"
    named = "; ".join(
        f'<span lang="en">{escape(listing.name)}</span>, {escape(data_date(listing))}'
        + (sample if listing.is_sample else "")
        for listing in listings
    )
    return f'<p class="source"><span class="label">{words["source"]}</span>\n{named}\n</p>'


# Any id: the URL of this provider's page, split at its id, gives every other provider's.
_SOME_PROVIDER_ID = 1234567


def _provider_url_around_id(context: template.Context) -> tuple[str, str]:
    """A provider page's URL before and after the provider's id, carrying the search it was found by so that
    the page can lead back to it: worked out once per results list, not for each card."""
    around_id = context.render_context.get("provider_url_around_id")
    if around_id is None:
        query = {"lang": context.get("chosen_language", ""), "back": context["request"].GET.urlencode()}
        before_id, _, after_id = reverse("provider", args=[_SOME_PROVIDER_ID]).rpartition(str(_SOME_PROVIDER_ID))
        around_id = (before_id, f"{after_id}?{urlencode({name: value for name, value in query.items() if value})}")
        context.render_context["provider_url_around_id"] = around_id
    return around_id


@register.simple_tag(takes_context=True)
def result_card(context: template.Context, match: ProviderMatch) -> SafeString:
    """One result: its name linking to its page (which can lead back to this search), how far, and the
    facts a person needs to choose and call."""
    words = _words(get_language())
    provider = match.provider
    before_id, after_id = _provider_url_around_id(context)
    parts = [f'<h4><a href="{escape(f"{before_id}{provider.id}{after_id}")}">{escape(provider.name)}</a></h4>']
    if provider.name2:
        parts.append(f'<p class="also-known">{escape(provider.name2)}</p>')
    farther = "" if match.within_radius else f" · {words['farther']}"
    parts.append(
        f'<p class="distance"><strong>{escape(distance(provider, match.distance_miles))}</strong>{farther}</p>'
    )
    parts += [
        provider_badges(context, provider),
        provider_address(provider),
        provider_reliability(provider),
        provider_contact(provider),
    ]
    accepted = payments(provider)
    if accepted:
        parts.append(
            f'<p class="payment"><span class="label">{words["payment"]}</span> {escape(", ".join(accepted))}</p>'
        )
    parts.append(_sources(provider.source_listings, words))
    return mark_safe("\n".join(parts))
