"""Today's FindTreatment.gov feed: its shape (`type_facility`), its 2025 wording, rows that share a key,
practitioners inside it, and vocabulary drift said out loud."""

import json
from pathlib import Path

import pytest

from locator.importing.facts import fields_from_facts, offers_and_denies
from locator.importing.importer import import_files
from locator.importing.labels import find_category, read_labels
from locator.importing.report import report_lines
from locator.models import Provider, SourceFile
from locator.places import location_from_coordinates
from locator.search import SearchFilters, provider_search
from locator.vocabulary import Source
from tests.conftest import FIXTURES_DIR

TODAY = FIXTURES_DIR / "findtreatment_today_20251001.json"
DOWNTOWN_LA = location_from_coordinates(34.0561, -118.2365)


def taxonomy(shared_data_dir: Path) -> list[dict]:
    return json.loads((shared_data_dir / "findtreatment_service_taxonomy_2025.json").read_text())["categories"]


def reading(*groups: tuple[str, str, list[str]]):
    return read_labels(groups)


def test_every_label_of_the_2025_taxonomy_is_known(shared_data_dir):
    categories = taxonomy(shared_data_dir)
    assert sum(len(category["f3_labels"]) for category in categories) == 223
    for category in categories:
        code, title = category["f2"] or "", category["f1"]
        assert find_category(code, title) is not None, title
        assert reading((code, title, category["f3_labels"])).unknown == (), title
        # Categories whose code is not documented are found by their title alone.
        assert find_category("", title) is not None


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (("LCA", "License/Certification/Accreditation", ["SAMHSA certification for opioid treatment program (OTP)"]),
         {"is_otp": True, "offers_methadone": True}),
        (("PAY", "Payment/Insurance/Funding Accepted", ["Federal military insurance (e.g., TRICARE)"]),
         {"payment": frozenset({"military"})}),
        (("PAY", "Payment/Insurance/Funding Accepted", ["SAMHSA funding/block grants"]), {"payment": frozenset()}),
        (("OT", "Type of Opioid Treatment", ["Lofexidine or Clonidine detoxification"]),
         {"settings": ("detox",), "offers_methadone": False, "offers_buprenorphine": False}),
        (("OT", "Type of Opioid Treatment", ["Accepts clients using MAT but prescribed elsewhere"]),
         {"offers_buprenorphine": False, "moud_medication_not_named": False}),
        (("", "External Opioid Medications Source", ["In-network prescribing entity"]),
         {"offers_buprenorphine": False, "moud_medication_not_named": False}),
        (("SET", "Service Setting (e.g., Outpatient, Residential, Inpatient, etc.)",
          ["Outpatient methadone/buprenorphine or naltrexone treatment"]),
         {"moud_medication_not_named": True, "settings": ("outpatient",), "offers_methadone": False}),
        (("PHR", "Pharmacotherapies", ["Buprenorphine sub-dermal implant", "Medication for mental disorders"]),
         {"offers_buprenorphine": True, "offers_naltrexone": False}),
        (("SL", "Language Services", ["Sign language services for the deaf and hard of hearing", "Spanish"]),
         {"languages": ("asl", "es")}),
        (("OL", "Other Languages", ["Any Chinese Language", "Creole", "Hmong"]), {"languages": ("hmn", "ht", "zh")}),
        (("", "Detoxification (medical withdrawal) Services", ["Opioids detoxification"]), {"settings": ("detox",)}),
        (("", "Detoxification (medical withdrawal) Services", ["Alcohol Detoxification"]), {"settings": ()}),
        (("SG", "Special Programs/Groups Offered", ["Young adults", "Members of military families"]),
         {"groups": ("military_families", "young_adults"), "ages": ()}),
        (("AGE", "Age Groups Accepted", ["Young adults", "Children/Adolescents"]),
         {"ages": ("children", "young_adults"), "groups": ()}),
    ],
)  # fmt: skip
def test_todays_labels_decide_our_fields(group, expected):
    fields = fields_from_facts(reading(group).facts)
    assert {name: fields[name] for name in expected} == expected


def test_a_listing_that_says_it_treats_no_opioid_use_disorder_offers_no_medication_whatever_else_it_says():
    facts = reading(
        ("OT", "Type of Opioid Treatment", ["Does not treat opioid use disorders", "Methadone maintenance"]),
        ("PHR", "Pharmacotherapies", ["Buprenorphine with naloxone"]),
    ).facts
    fields = fields_from_facts(facts)
    assert not (fields["offers_methadone"] or fields["offers_buprenorphine"] or fields["is_otp"])
    assert offers_and_denies(facts)
    assert not offers_and_denies(reading(("OT", "x", ["Does not use MAT for opioid use disorders"])).facts)


def test_labels_are_matched_by_wording_where_the_category_code_is_unknown_and_the_wording_unambiguous():
    read = reading(("ZZ", "Opioid medications (renamed)", ["Methadone used in Treatment", "Young adults"]))
    assert "methadone" in read.facts
    # "Young adults" is an age in one category and a program in another: it cannot be placed.
    assert read.unknown == (("Opioid medications (renamed) (ZZ)", "Young adults"),)
    assert reading(("OT", "Type of Opioid Treatment", ["A new way to say buprenorphine"])).unknown == (
        ("Type of opioid treatment", "A new way to say buprenorphine"),
    )
    # Categories that only describe never hold unknown labels.
    assert reading(("SCR", "Testing", ["A new kind of test"])).unknown == ()


def write_rows(tmp_path: Path, rows: list[dict], name: str = "findtreatment_today_20251101.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"page": 1, "totalPages": 1, "recordCount": len(rows), "rows": rows}))
    return path


def todays_rows() -> list[dict]:
    return json.loads(TODAY.read_text(encoding="utf-8"))["rows"]


def test_type_facility_is_read_in_both_spellings(empty_directory, tmp_path):
    rows = [row for row in todays_rows() if row["type_facility"] in {"OTP", "BUPREN"}]
    rows[1] = {("typeFacility" if key == "type_facility" else key): value for key, value in rows[1].items()}
    import_files([write_rows(tmp_path, rows)])
    assert Provider.objects.get(name__startswith="Example Downtown Narcotic").is_otp
    prescriber = Provider.objects.get(name__startswith="Dr. Example Prescriber")
    assert (prescriber.kind, prescriber.offers_buprenorphine) == ("practitioner", True)


def test_todays_feed_imports_with_every_fact_and_no_row_lost(empty_directory):
    report = import_files([TODAY])
    findtreatment = report.sources[Source.FINDTREATMENT]
    assert (findtreatment.read, findtreatment.rejected, findtreatment.combined) == (12, 0, 1)
    assert findtreatment.unknown_labels == {}
    assert findtreatment.offers_and_denies_moud == 1
    assert Provider.objects.count() == 11

    harbor = Provider.objects.get(name__startswith="Example Harbor")
    assert harbor.is_otp and harbor.offers_methadone and harbor.accepts_military_insurance
    assert harbor.offers_telehealth and harbor.offers_spanish
    assert harbor.settings == ["detox", "intensive_outpatient", "outpatient"]
    assert harbor.groups == ["pregnant_postpartum", "veterans"]
    assert harbor.ages == ["adults", "seniors", "young_adults"]
    assert harbor.languages == ["asl", "es", "ht", "vi", "zh"]
    assert " group:veterans " in harbor.search_codes and " language:asl " in harbor.search_codes
    assert harbor.special_groups == ["Clients who have experienced trauma", "Pregnant/postpartum women", "Veterans"]

    hospital = Provider.objects.get(name__startswith="Example Valley General")
    assert not (hospital.offers_methadone or hospital.offers_buprenorphine or hospital.moud_medication_not_named)
    sober_living = Provider.objects.get(name__startswith="Example Sober Living")
    assert not (sober_living.offers_buprenorphine or sober_living.moud_medication_not_named)
    # The same id twice: one provider with the services of both rows.
    crossroads = Provider.objects.get(name__startswith="Example Crossroads")
    assert crossroads.offers_buprenorphine and crossroads.offers_naltrexone
    assert crossroads.accepts_medicaid and crossroads.accepts_private_insurance and "pt" in crossroads.languages
    # No id, no street, one ZIP, two phones: two places.
    assert Provider.objects.filter(name__startswith="Example Mobile Medication Unit").count() == 2

    lines = list(report_lines(report))
    assert not any(line.startswith("WARNING") for line in lines)
    assert any(
        "1 listing(s) name a medication for opioid use disorder and also say they offer none" in line for line in lines
    )


def test_a_listing_that_names_no_medication_is_found_for_any_medication_and_not_for_one(empty_directory):
    import_files([TODAY])
    eastside = "Example Eastside Outpatient Services (sample)"

    def names(**filters):
        result = provider_search(location=DOWNTOWN_LA, radius_miles=25, filters=SearchFilters(**filters))
        return {match.provider.name for match in result.matches}

    assert eastside in names()
    assert eastside not in names(medications=frozenset({"buprenorphine"}))
    assert eastside in names(languages=frozenset({"hmn"}))
    # Naming all three medications is asking for any of them.
    assert eastside in names(medications=frozenset({"buprenorphine", "methadone", "naltrexone"}))
    assert names(settings=frozenset({"residential"})) == {"Example Canyon Residential Recovery (sample)"}
    # The hospital that says it treats no opioid use disorder is in no search.
    assert "Example Valley General Hospital (sample)" not in names()


def test_unknown_wording_is_said_on_the_first_lines_and_kept_for_the_admin(empty_directory, tmp_path, admin_client):
    rows = todays_rows()
    rows[0]["services"].append({"f1": "Type of Opioid Treatment", "f2": "OT", "f3": "Buprenorphine microdosing"})
    rows[1]["services"].append({"f1": "Type of Opioid Treatment", "f2": "OT", "f3": "Buprenorphine microdosing"})
    rows[2]["services"].append({"f1": "Harm Reduction Services", "f2": "HRS", "f3": "Fentanyl test strips"})
    report = import_files([write_rows(tmp_path, rows)])
    lines = list(report_lines(report))
    assert lines[0].startswith("WARNING FindTreatment.gov locator: 2 label(s)")
    assert lines[-4:] == [
        "FindTreatment.gov locator: labels not in the mapping table, category Type of opioid treatment:",
        "  2 listing(s): Buprenorphine microdosing",
        "FindTreatment.gov locator: labels not in the mapping table, category Harm Reduction Services (HRS):",
        "  1 listing(s): Fentanyl test strips",
    ]
    source_file = SourceFile.objects.get()
    assert source_file.unknown_labels == {
        "Type of opioid treatment": {"Buprenorphine microdosing": 2},
        "Harm Reduction Services (HRS)": {"Fentanyl test strips": 1},
    }
    page = admin_client.get(f"/admin/locator/sourcefile/{source_file.id}/change/").content.decode()
    assert "Type of opioid treatment: Buprenorphine microdosing (2)" in page


def test_a_findtreatment_practitioner_is_linked_to_the_same_person_in_the_practitioner_locator(
    empty_directory, tmp_path
):
    prescriber = next(row for row in todays_rows() if row["type_facility"] == "BUPREN")
    elsewhere = dict(prescriber, frid="ab" * 32, street1="1 Other Street", zip="91501")
    locator_file = tmp_path / "Physician_Locator_20200704_CA.csv"
    locator_file.write_text(
        "name_prefix,First,Last,Address,Address Complement,City,County,State,Postal Code,Telephone,Fax\n"
        "Dr.,Example,Prescriber (sample),700 Example Ct.,,Burbank,LOS ANGELES,California,91502,818-555-0107,\n"
        ",Other,Prescriber,700 Example Court,,Burbank,LOS ANGELES,California,91502,818-555-0109,\n"
    )
    report = import_files([write_rows(tmp_path, [prescriber, elsewhere]), locator_file])
    assert report.sources[Source.PRACTITIONER_LOCATOR].linked == 1
    linked = Provider.objects.get(street="700 Example Court", name__startswith="Dr. Example")
    assert sorted(linked.records.values_list("source", flat=True)) == ["findtreatment", "practitioner_locator"]
    # Another person at that address, and the same person at another address, stay apart.
    assert Provider.objects.filter(kind="practitioner").count() == 3


def test_the_2025_documentations_sample_response_reads_completely():
    # The rows of the FindTreatment API documentation v1.9 (January 2025), as its sample words them.
    groups = [
        ("AGE", "Age Groups Accepted", ["Young adults", "Adults", "Children/adolescents"]),
        ("TC", "Type of Care", ["Mental health treatment services", "Substance treatment services"]),
        ("SET", "Service Setting (e.g., Outpatient, Residential, etc.)",
         ["Residential", "Residential treatment center (RTC) for adults", "Outpatient",
          "Intensive Outpatient treatment", "Regular Outpatient treatment", "Computerized treatment"]),
        ("EMS", "Emergency Mental Health Services", ["Crisis intervention team"]),
        ("PAY", "Payment/Insurance Accepted",
         ["Cash or self-payment", "Medicaid", "Medicare", "State financed health insurance plan other than Medicaid",
          "Private health insurance", "Access to Recovery (ATR) voucher"]),
        ("FOP", "Facility Operation (e.g. Private, Public)", ["Private (for-profit/non-profit) organization"]),
        ("SG", "Special Programs/Groups Offered",
         ["Persons with co-occurring mental and substance use disorders", "Adults with serious mental illness (SMI)",
          "Clients referred from the court/judicial system (other than DUI/DWI)", "Adolescents", "Adult women",
          "Adult men"]),
        ("SL", "Language Services", ["Services for the hearing-impaired"]),
        ("PYAS", "Payment Assistance Available", ["Sliding fee scale (fee is based on income and other factors)"]),
    ]  # fmt: skip
    read = read_labels(groups)
    assert read.unknown == ()
    fields = fields_from_facts(read.facts)
    assert fields["payment"] == {"cash", "medicaid", "medicare", "state_plan", "private_insurance", "sliding_fee"}
    assert fields["settings"] == ("intensive_outpatient", "outpatient", "residential")
    assert fields["groups"] == ("adolescents", "co_occurring", "criminal_justice", "men", "women")
    assert fields["languages"] == ("asl",) and fields["offers_telehealth"] is False
