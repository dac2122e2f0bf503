"""Linking listings of one place, without a database: the index is plain Python."""

import pytest

from locator.importing.linking import LinkIndex, ProviderRef, record_names
from locator.importing.normalize import person_key
from locator.importing.records import ProviderRecord
from locator.vocabulary import Kind, Source


def listing(name: str, street: str, phone: str = "", kind: Kind = Kind.FACILITY, zip_code: str = "74103"):
    return ProviderRecord(
        source=Source.FINDTREATMENT,
        source_key=f"{name}|{street}",
        row_number=1,
        kind=kind,
        name=name,
        street=street,
        city="Tulsa",
        state="OK",
        zip_code=zip_code,
        phone=phone,
    )


def indexed(*records: ProviderRecord) -> tuple[LinkIndex, list[ProviderRef]]:
    index, refs = LinkIndex(), []
    for record in records:
        refs.append(ProviderRef(None, record_names(record)))
        index.add_record(refs[-1], record)
    return index, refs


def test_the_same_address_spelled_another_way_is_the_same_place():
    index, [ref] = indexed(listing("Example Recovery Center", "780 West Bel Air Avenue Suite B"))
    assert index.link(listing("Example Recovery Center LLC", "780 W. Bel Air Ave"), {}) is ref


def test_a_building_of_several_programs_links_only_the_one_whose_name_is_alike():
    index, [clinic, pharmacy] = indexed(
        listing("Example Methadone Clinic", "100 Main St"), listing("Example Pharmacy", "100 Main St")
    )
    assert index.link(listing("Example Methadone Clinic Inc", "100 Main Street"), {}) is clinic
    assert index.link(listing("Unrelated Counseling", "100 Main St"), {}) is None


def test_a_shared_phone_at_another_address_links_only_alike_names():
    index, [ref] = indexed(listing("Example Lantern Health", "1 First St", phone="918-555-0100"))
    assert index.link(listing("Example Lantern Health", "9 Other Rd", phone="918-555-0100"), {}) is ref
    assert index.link(listing("Someone Else Entirely", "9 Other Rd", phone="918-555-0100"), {}) is None


def test_a_provider_claimed_in_this_snapshot_takes_only_listings_of_its_own_name():
    index, [ref] = indexed(listing("Example Clinic SA", "5 Elm St"))
    claimed = {ref: {"example clinic sa"}}
    assert index.link(listing("Example Clinic MH Services", "5 Elm St"), claimed) is None
    assert index.link(listing("Example Clinic SA", "5 Elm St"), claimed) is ref


def test_practitioners_are_never_linked():
    index, _ = indexed(listing("Dr Example", "1 First St"))
    assert index.link(listing("Dr Example", "1 First St", kind=Kind.PRACTITIONER), {}) is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dr. Jane Q. Doe, MD", "doe jane"),
        ("Doe, Jane", "doe jane"),
        ("Jane Doe DO", "doe jane"),
        ("Anh Do, MD", "anh do"),
        ("Dr. Smith", ""),
    ],
)
def test_a_person_is_known_by_their_name_without_titles_credentials_or_initials(name, key):
    assert person_key(name) == key
