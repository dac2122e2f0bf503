"""Which provider a new listing describes: the same place named by another listing, found by address,
phone and name. Plain Python: the importer fills the index from the database and from the run itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from locator.addresses import destination_street
from locator.gazetteer import city_key
from locator.importing.normalize import (
    address_key,
    name_key,
    name_similarity,
    name_street_key,
    person_key,
    phone_key,
    same_street,
)
from locator.importing.records import ProviderRecord
from locator.vocabulary import Kind

# Names this alike (share of words, 0 to 1) are the same program's.
_ALIKE = 0.5


@dataclass(eq=False)
class ProviderRef:
    """A provider during an import: one already stored (`id`), or one to create from its pending records
    (`pending` holds the merge's view of each; the importer decides its type)."""

    id: int | None
    names: set[str]
    pending: list = field(default_factory=list)


def record_address(record: ProviderRecord) -> str:
    """The address key of where a listing is: its line with the house number, never a mailing box."""
    return address_key(destination_street(record.street, record.street2), record.zip_code)


def record_names(record: ProviderRecord) -> set[str]:
    return {key for key in (name_key(record.name), name_key(record.name2)) if key}


@dataclass(frozen=True)
class _Candidate:
    ref: ProviderRef
    alike: bool
    at_address: bool
    same_phone: bool
    similarity: float
    # Earlier in the index wins a tie: the provider listed there first.
    order: int

    @property
    def rank(self) -> tuple[bool, bool, bool, float, int]:
        return (self.alike, self.at_address, self.same_phone, self.similarity, -self.order)


class LinkIndex:
    """Providers by address, by phone, and by name and street, for linking listings of one place."""

    def __init__(self) -> None:
        self._by_address: dict[str, list[ProviderRef]] = defaultdict(list)
        self._by_phone: dict[str, list[ProviderRef]] = defaultdict(list)
        self._by_name_street: dict[str, list[ProviderRef]] = defaultdict(list)
        self._by_person_address: dict[str, list[ProviderRef]] = defaultdict(list)
        self._by_house_number: dict[str, list[tuple[ProviderRef, str]]] = defaultdict(list)
        # Name (the first, not a parent organisation's) in a city -> (provider, has a street, phone digits).
        self._by_name_city: dict[str, list[tuple[ProviderRef, bool, str]]] = defaultdict(list)

    def add(self, ref: ProviderRef, *, address: str, phone: str, state: str, city: str = "", name: str = "") -> None:
        """Index a provider under its address key and phone key (see locator.importing.normalize)."""
        if address:
            self._by_address[address].append(ref)
            for name in ref.names:
                self._by_name_street[name_street_key(name, address, state)].append(ref)
            self._by_house_number[f"{address.split()[0]}|{state}"].append((ref, address))
        if phone:
            self._by_phone[phone].append(ref)
        if name_key(name):
            entry = (ref, bool(address), phone.split("|")[0])
            self._by_name_city[f"{name_key(name)}|{city_key(city)}|{state}"].append(entry)

    def add_practitioner(self, ref: ProviderRef, *, name: str, address: str) -> None:
        """Index a practitioner under who they are and where: the same person at another address is
        another listing (the Practitioner Locator lists one person at each place they practise)."""
        person = person_key(name)
        if person and address:
            self._by_person_address[f"{person}|{address}"].append(ref)

    def add_stored(self, ref: ProviderRef, provider: dict) -> None:
        """Index a stored provider, given as its `kind`, `name`, `address_key`, `phone_key`, `city`, `state`."""
        if provider["kind"] == Kind.PRACTITIONER:
            self.add_practitioner(ref, name=provider["name"], address=provider["address_key"])
        else:
            address, phone, name = provider["address_key"], provider["phone_key"], provider["name"]
            self.add(ref, address=address, phone=phone, state=provider["state"], city=provider["city"], name=name)

    def add_record(self, ref: ProviderRef, record: ProviderRecord) -> None:
        if record.kind == Kind.PRACTITIONER:
            self.add_practitioner(ref, name=record.name, address=record_address(record))
            return
        self.add(
            ref,
            address=record_address(record),
            phone=phone_key(record.phone, record.zip_code),
            state=record.state,
            city=record.city,
            name=record.name,
        )

    def link(self, record: ProviderRecord, claimed: dict[ProviderRef, set[str]]) -> ProviderRef | None:
        """The provider this new record describes too, if another listing already names the same place.

        `claimed` holds the providers that records of the same snapshot already describe, with their names.
        - Same address (or same name and street in the state): the same place, unless several
          providers share the address and none has a name like this one's (a building of many programs).
        - Same phone in the same ZIP at another address: the same place only if the names are alike
          (a central intake number is shared by sites that are not one place).
        - Within one snapshot, two listings at one address are one place only if their names agree
          (the locator lists one facility once as SA and once as MH).
        """
        if record.kind == Kind.PRACTITIONER:
            return self._same_practitioner(record, claimed)
        names = record_names(record)
        address = record_address(record)
        at_address = self._by_address.get(address, []) if address else []
        for name in names:
            at_address = at_address + self._by_name_street.get(name_street_key(name, address, record.state), [])
        phone = phone_key(record.phone, record.zip_code)
        same_phone = self._by_phone.get(phone, []) if phone else []
        candidates = []
        for order, ref in enumerate(dict.fromkeys(at_address + same_phone)):
            here = ref in at_address
            if ref in claimed and not (here and names & claimed[ref]):
                continue
            similarity = max((name_similarity(mine, theirs) for mine in names for theirs in ref.names), default=0.0)
            alike = similarity >= _ALIKE
            if here or alike:
                candidates.append(_Candidate(ref, alike, here, ref in same_phone, similarity, order))
        if not candidates:
            return self._same_address_spelled_otherwise(record, names, address, claimed)
        best = max(candidates, key=lambda candidate: candidate.rank)
        if not best.alike and not best.same_phone and len(set(at_address)) > 1:
            return None
        return best.ref

    def _same_address_spelled_otherwise(
        self, record: ProviderRecord, names: set[str], address: str, claimed: dict[ProviderRef, set[str]]
    ) -> ProviderRef | None:
        """A provider whose name is alike at the same house number and street in the state, spelled
        another way ("4800 South Tenth St." and "4800 S 10th Street", another ZIP): the OTP Directory and
        the locator spell one address differently more often than two alike programs share a number."""
        if not address:
            return self._same_name_one_without_street(record, names, claimed, has_street=False)
        alike = {
            ref
            for ref, their_address in self._by_house_number.get(f"{address.split()[0]}|{record.state}", [])
            if ref not in claimed
            and same_street(address, their_address)
            and max((name_similarity(mine, theirs) for mine in names for theirs in ref.names), default=0.0) >= _ALIKE
        }
        if len(alike) == 1:
            return alike.pop()
        return self._same_name_one_without_street(record, names, claimed, has_street=True)

    def _same_name_one_without_street(
        self, record: ProviderRecord, names: set[str], claimed: dict[ProviderRef, set[str]], *, has_street: bool
    ) -> ProviderRef | None:
        """The one provider of the same name in the same city, when one of the two listings gives no street
        (a P.O. box): the OTP Directory's mailing address and the locator's street for one program. Two
        phones that differ are two places, and a parent organisation's name (`name2`) is no evidence."""
        phone = phone_key(record.phone, record.zip_code).split("|")[0]
        found = {
            ref
            for ref, ref_has_street, ref_phone in self._by_name_city.get(
                f"{name_key(record.name)}|{city_key(record.city)}|{record.state}", []
            )
            if ref not in claimed
            and not (has_street and ref_has_street)
            and not (phone and ref_phone and phone != ref_phone)
        }
        return found.pop() if len(found) == 1 and name_key(record.name) else None

    def _same_practitioner(self, record: ProviderRecord, claimed: dict[ProviderRef, set[str]]) -> ProviderRef | None:
        """The same person at the same address, listed by another source (FindTreatment's BUPREN rows and
        the Practitioner Locator); never one another row of this snapshot already describes."""
        person, address = person_key(record.name), record_address(record)
        if not person or not address:
            return None
        candidates = [ref for ref in self._by_person_address.get(f"{person}|{address}", []) if ref not in claimed]
        return candidates[0] if len(candidates) == 1 else None
