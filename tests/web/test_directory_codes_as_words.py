"""The 2017 National Directory lists services as codes ("BUM", "SAF"); a provider page shows them as
SAMHSA words them, by category, and shows a code it cannot word as the code, never a guess."""

import csv
from collections import Counter

import pytest

from locator.importing.directory_code_words import CODES_GROUP, OTHER_CODES, worded_groups
from locator.importing.directory_codes import DIRECTORY_CODES
from locator.models import Provider

pytestmark = pytest.mark.django_db


def test_codes_become_words_by_category_and_unknown_codes_stay_codes():
    assert worded_groups(["ZZQ", "BUM", "SAF", "MD", "SP"]) == [
        ("Primary focus", ["Substance abuse treatment services"]),
        ("Opioid medications", ["Buprenorphine maintenance"]),
        ("Payment accepted", ["Medicaid"]),
        ("Language services", ["Spanish"]),
        (OTHER_CODES, ["ZZQ"]),
    ]


def test_every_code_that_decides_a_fact_has_words():
    groups = dict(worded_groups(list(DIRECTORY_CODES)))
    assert OTHER_CODES not in groups
    assert sum(len(words) for words in groups.values()) == len(DIRECTORY_CODES)


def test_most_of_the_2017_directorys_codes_read_as_words(shared_data_dir):
    counts = Counter()
    with open(shared_data_dir / "geoda_meth_2017_national_directory.csv", encoding="utf-8", errors="replace") as file:
        for row in csv.DictReader(file):
            counts.update(code.strip() for code in row["Keys"].split("/") if code.strip())
    unworded = dict(worded_groups(list(counts))).get(OTHER_CODES, [])
    worded_share = 1 - sum(counts[code] for code in unworded) / sum(counts.values())
    assert worded_share > 0.85, sorted(unworded, key=counts.get, reverse=True)


def test_the_provider_page_shows_words_not_codes(client, shared_directory):
    provider = next(
        provider
        for provider in Provider.objects.filter(active=True, services__icontains='"BUM"')
        if any(group["code"] == CODES_GROUP for group in provider.services)
    )
    html = client.get(f"/providers/{provider.id}/").content.decode()
    assert "Buprenorphine maintenance" in html and "<li>BUM</li>" not in html
    assert "SAMHSA service codes" not in html
