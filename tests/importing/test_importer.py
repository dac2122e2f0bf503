"""The importer on the project's sample files and on small files written by the tests."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from locator.importing import importer
from locator.importing.importer import import_files
from locator.importing.records import ImportFailed
from locator.models import Provider, SourceFile, SourceRecord
from locator.vocabulary import Source
from tests.conftest import FIXTURES_DIR
from tests.importing.helpers import write_otp_csv


def directory_state() -> tuple:
    return (
        sorted(Provider.objects.values_list("id", "name", "active", "latitude", "offers_methadone")),
        sorted(SourceRecord.objects.values_list("id", "source_key", "active", "content_hash")),
        SourceFile.objects.count(),
    )


def test_sample_fixtures_import_as_sample_data_with_merged_listings(empty_directory):
    report = import_files([FIXTURES_DIR], is_sample=True)
    # 9 from the files in 2019 wording, 11 from the file in 2025 wording.
    assert report.providers_created == 20
    assert Provider.objects.filter(is_sample=False).count() == 0
    riverbend = Provider.objects.get(name="Example Riverbend Recovery Center (sample)")
    assert sorted(riverbend.records.values_list("source", flat=True)) == ["findtreatment", "findtreatment"]
    assert riverbend.accepts_medicare and riverbend.accepts_medicaid and riverbend.offers_sliding_fee
    assert riverbend.offers_buprenorphine and riverbend.offers_naltrexone and not riverbend.offers_methadone
    assert riverbend.offers_spanish and riverbend.offers_telehealth
    assert riverbend.special_groups == ["Pregnant/postpartum women", "Veterans"]
    lantern = Provider.objects.get(name="Example Lantern Treatment Program (sample)")
    assert sorted(lantern.records.values_list("source", flat=True)) == ["findtreatment", "otp_directory"]
    assert (lantern.kind, lantern.is_otp, lantern.otp_certification) == ("otp", True, "certified")
    assert lantern.location_precision == "source" and lantern.latitude == pytest.approx(38.0352)
    assert not lantern.offers_buprenorphine  # "pain management or emergency dosing" is not MAT
    counseling = Provider.objects.get(name="Example Counseling Collective (sample)")
    assert not (counseling.offers_buprenorphine or counseling.offers_methadone or counseling.offers_naltrexone)
    # The OTP Directory goes first; then Lantern's locator row and Riverbend's MH row each link.
    assert report.sources[Source.OTP_DIRECTORY].linked == 0
    assert report.sources[Source.FINDTREATMENT].linked == 2


def test_records_without_coordinates_get_the_zip_centroid_marked_approximate(empty_directory):
    import_files([FIXTURES_DIR / "otp_directory_sample_20250601.csv"])
    harborview = Provider.objects.get(name__startswith="Example Harborview")
    assert harborview.zip_code == "06401"
    assert harborview.location_precision == "zip_centroid"
    assert (harborview.latitude, harborview.longitude) == (pytest.approx(41.3427), pytest.approx(-73.0742))


def test_importing_the_same_files_twice_changes_nothing(empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    before = directory_state()[:2]
    report = import_files([FIXTURES_DIR], is_sample=True)
    for source_report in report.sources.values():
        assert (source_report.created, source_report.updated, source_report.deactivated) == (0, 0, 0)
        assert source_report.unchanged == source_report.read - source_report.rejected - source_report.combined
    assert directory_state()[:2] == before


def test_truncated_json_exits_non_zero_and_changes_nothing(empty_directory, tmp_path):
    import_files([FIXTURES_DIR], is_sample=True)
    before = directory_state()
    text = (FIXTURES_DIR / "findtreatment_sample_20250601.json").read_text(encoding="utf-8")
    truncated = tmp_path / "findtreatment_20250701.json"
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    good = write_otp_csv(
        tmp_path, "otp_directory_20250701.csv", ["New Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified"]
    )
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_samhsa", str(good), str(truncated), stdout=open("/dev/null", "w"))
    assert directory_state() == before


def test_a_named_file_of_unknown_format_is_fatal_but_one_in_a_folder_is_skipped(empty_directory, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a directory export\n")
    with pytest.raises(ImportFailed, match="not a SAMHSA format"):
        import_files([notes])
    shutil.copy(FIXTURES_DIR / "otp_directory_sample_20250601.csv", tmp_path)
    report = import_files([tmp_path])
    assert report.not_samhsa_files == [str(notes)]
    assert Provider.objects.count() == 3


def test_a_missing_path_is_a_clear_command_error(empty_directory):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("import_samhsa", "/nonexistent/otp.csv")


def test_an_interrupted_import_leaves_the_previous_directory(empty_directory, monkeypatch):
    import_files([FIXTURES_DIR / "otp_directory_sample_20250601.csv"])
    before = directory_state()

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "remerge_providers", interrupt)
    with pytest.raises(CommandError, match="Interrupted"):
        call_command("import_samhsa", str(FIXTURES_DIR), stdout=open("/dev/null", "w"))
    assert directory_state() == before


def test_rows_are_rejected_with_their_row_number_and_reason_and_the_rest_imported(empty_directory, tmp_path):
    path = write_otp_csv(
        tmp_path,
        "otp_directory_20250701.csv",
        [
            "Good Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified",
            ",2 Main St,Tulsa,OK,74103,918-555-0001,Certified",
            "Nowhere Program,3 Main St,Toronto,ON,74103,918-555-0002,Certified",
            "Bad Zip Program,4 Main St,Tulsa,OK,7410399,918-555-0003,Certified",
            "Shifted Program,5 Main St,Suite 2,Tulsa,OK,74103,918-555-0004,Certified",
            "Good Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified",
        ],
    )
    report = import_files([path]).sources[Source.OTP_DIRECTORY]
    assert (report.read, report.created, report.rejected, report.combined) == (6, 1, 4, 1)
    assert report.rejection_samples == [
        "otp_directory_20250701.csv row 3: no name",
        "otp_directory_20250701.csv row 4: unknown state 'ON'",
        "otp_directory_20250701.csv row 5: unreadable ZIP '7410399'",
        "otp_directory_20250701.csv row 6: 8 fields where the header has 7: columns would shift",
    ]


def test_coordinates_outside_the_us_are_rejected(empty_directory, tmp_path):
    document = json.loads((FIXTURES_DIR / "findtreatment_sample_20250601.json").read_text(encoding="utf-8"))
    document["rows"][2]["latitude"], document["rows"][2]["longitude"] = "-78.5012", "38.0352"
    document["rows"][3]["latitude"], document["rows"][3]["longitude"] = "0", "0"
    path = tmp_path / "findtreatment.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_files([path]).sources[Source.FINDTREATMENT]
    assert report.rejected == 2
    assert all("outside the US" in sample for sample in report.rejection_samples)


def test_a_newer_snapshot_deactivates_programs_it_no_longer_lists_and_an_older_one_is_skipped(
    empty_directory, tmp_path
):
    first = write_otp_csv(
        tmp_path,
        "otp_directory_20250101.csv",
        [
            "Stays Program,1 Main St,Tulsa,OK,74103,918-555-0000,Provisional",
            "Leaves Program,2 Main St,Tulsa,OK,74103,918-555-0001,Certified",
        ],
    )
    second = write_otp_csv(
        tmp_path,
        "otp_directory_20250201.csv",
        [
            "Stays Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified",
            "Arrives Program,3 Main St,Tulsa,OK,74103,918-555-0002,Certified",
        ],
    )
    import_files([first])
    report = import_files([second]).sources[Source.OTP_DIRECTORY]
    assert (report.created, report.updated, report.deactivated) == (1, 1, 1)
    assert dict(Provider.objects.values_list("name", "active")) == {
        "Stays Program": True,
        "Leaves Program": False,
        "Arrives Program": True,
    }
    assert Provider.objects.get(name="Stays Program").otp_certification == "certified"
    again = import_files([first]).sources[Source.OTP_DIRECTORY]
    assert again.skipped_older == ["otp_directory_20250101.csv"]
    assert Provider.objects.get(name="Leaves Program").active is False


def test_a_program_that_leaves_the_otp_directory_is_no_longer_an_otp_but_stays_listed_by_its_facility_source(
    empty_directory, tmp_path
):
    import_files(
        [FIXTURES_DIR / "findtreatment_sample_20250601.json", FIXTURES_DIR / "otp_directory_sample_20250601.csv"]
    )
    later = write_otp_csv(
        tmp_path,
        "otp_directory_20250801.csv",
        [
            "Example Harborview OTP (sample),12 Demo Boulevard,Ansonia,CT,06401,(203) 555-0400,Certified",
        ],
    )
    import_files([later])
    lantern = Provider.objects.get(name="Example Lantern Treatment Program (sample)")
    assert lantern.active and not lantern.is_otp and lantern.kind == "facility"


def test_practitioner_files_only_deactivate_practitioners_of_their_own_state(empty_directory, tmp_path):
    header = 'name_prefix,First,Last,Address,"Address Complement",City,County,State,"Postal Code",Telephone,Fax\r\n'
    virginia = tmp_path / "Physician_Locator_01_01_2025_VA.csv"
    virginia.write_text(header + ',Ann,Alpha,"1 A St",,Richmond,,Virginia,23219,804-555-0001,\r\n', encoding="utf-8")
    ohio = tmp_path / "Physician_Locator_01_01_2025_OH.csv"
    ohio.write_text(header + ',Bo,Beta,"1 B St",,Columbus,,Ohio,43215,614-555-0001,\r\n', encoding="utf-8")
    import_files([virginia, ohio])
    newer_ohio = tmp_path / "Physician_Locator_02_01_2025_OH.csv"
    newer_ohio.write_text(header + ',Cy,Gamma,"2 B St",,Columbus,,Ohio,43215,614-555-0002,\r\n', encoding="utf-8")
    import_files([newer_ohio])
    assert dict(Provider.objects.values_list("name", "active")) == {
        "Ann Alpha": True,
        "Bo Beta": False,
        "Cy Gamma": True,
    }


def test_import_command_prints_a_report_per_source(empty_directory, capsys):
    call_command("import_samhsa", str(FIXTURES_DIR), "--sample")
    output = capsys.readouterr().out
    assert "SAMHSA Opioid Treatment Program Directory: 1 file(s), read 3, created 3, updated 0" in output
    assert "20 new providers" in output


def test_import_command_logs_a_plain_line_per_file_when_not_on_a_terminal(empty_directory, capsys):
    call_command("import_samhsa", str(FIXTURES_DIR / "otp_directory_sample_20250601.csv"))
    output = capsys.readouterr().out
    assert "read otp_directory_sample_20250601.csv: otp-directory, 3 rows, 0 rejected, data of 2025-06-01" in output
    assert "applied otp_directory_sample_20250601.csv" in output


def test_a_database_error_is_reported_and_nothing_is_imported(empty_directory, monkeypatch):
    from django.db import DatabaseError

    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importer.Provider.objects, "bulk_create", refuse)
    with pytest.raises(CommandError, match="the database refused a write"):
        call_command("import_samhsa", str(FIXTURES_DIR), stdout=open("/dev/null", "w"))
    assert directory_state() == ([], [], 0)


def test_listings_at_a_building_of_many_programs_link_only_to_the_one_with_their_name(empty_directory, tmp_path):
    facility_list = tmp_path / "locator_facility_list.csv"
    facility_list.write_text(
        "name1,name2,street1,street2,city,state,zip,zip4,county,latitude,longitude\r\n"
        "Victory Programs,,170 Morton Street,,Boston,MA,2130,,Suffolk,42.29,-71.11\r\n"
        "Community Healthcare Inc,,170 Morton Street,,Boston,MA,2130,,Suffolk,42.29,-71.11\r\n"
        "Pine Street Inn,,170 Morton Street,,Boston,MA,2130,,Suffolk,42.29,-71.11\r\n",
        encoding="utf-8",
    )
    otp = write_otp_csv(
        tmp_path,
        "otp_directory_20250101.csv",
        [
            "High Point,170 Morton St.,Boston,MA,02130,617-555-0001,Certified",
            "Community Healthcare Inc,170 Morton St.,Boston,MA,02130,617-555-0002,Certified",
        ],
    )
    import_files([facility_list, otp])
    linked = {
        provider.name: sorted(provider.records.values_list("source", flat=True)) for provider in Provider.objects.all()
    }
    assert linked == {
        "High Point": ["otp_directory"],
        "Community Healthcare Inc": ["locator_facility_list", "otp_directory"],
        "Victory Programs": ["locator_facility_list"],
        "Pine Street Inn": ["locator_facility_list"],
    }


def test_a_shared_intake_phone_does_not_merge_sites_with_other_names_and_addresses(empty_directory, tmp_path):
    otp = write_otp_csv(
        tmp_path,
        "otp_directory_20250101.csv",
        [
            "Region Ten Community Services Board,800 Preston Avenue,Charlottesville,VA,22903,434-972-1800,Certified",
            "Preferred Treatment,1101 Hillcrest Parkway,Dublin,GA,31021,478-274-8426,Certified",
        ],
    )
    directory = tmp_path / "national_directory_2017.csv"
    directory.write_text(
        "Name1,Name2,Name3,Address1,Address2,Address3,City,State,ZIP_Code,Contact,Note,Keys,ID,Longitude,Latitude,Match Score\r\n"
        "Region Ten Children and Family Services,,,500 Old Lynchburg Road,,,Charlottesville,VA,22903,(434)972-1800,,METH,1,-78.5,38.0,100\r\n"
        "Preferred Treatment Center LLC,,,108 Corporate Square Drive,,,Dublin,GA,31021,(478)274-8426,,METH,2,-82.9,32.5,100\r\n",
        encoding="utf-8",
    )
    import_files([otp, directory])
    assert Provider.objects.get(name="Region Ten Children and Family Services").records.count() == 1
    preferred = Provider.objects.get(records__source_key__startswith="preferred treatment center")
    assert sorted(preferred.records.values_list("source", flat=True)) == ["national_directory", "otp_directory"]


def test_a_placeholder_generic_or_personal_dba_is_not_the_programs_name(empty_directory, tmp_path):
    path = tmp_path / "otp_directory_20200704.csv"
    path.write_text(
        "Program Name,DBA,Street,City,State,Zipcode,Phone,Certification\r\n"
        "Acme Health LLC,Same,1 Main St,Tulsa,OK,74103,918-555-0000,Certified\r\n"
        "City Hospital,Opioid Treatment Program,2 Main St,Tulsa,OK,74103,918-555-0001,Certified\r\n"
        "Legal Name Inc,Friendly Clinic,3 Main St,Tulsa,OK,74103,918-555-0002,Certified\r\n"
        "The Women's Treatment Center,DeLicia Holiday-Chatman,4 Main St,Tulsa,OK,74103,918-555-0003,Certified\r\n"
        "Caritas Central Intake Unit,Substance Abuse Provider,5 Main St,Tulsa,OK,74103,918-555-0004,Certified\r\n",
        encoding="utf-8",
    )
    import_files([path])
    assert sorted(Provider.objects.values_list("name", "name2")) == [
        ("Acme Health LLC", ""),
        ("Caritas Central Intake Unit", "Substance Abuse Provider"),
        ("City Hospital", "Opioid Treatment Program"),
        ("Friendly Clinic", "Legal Name Inc"),
        ("The Women's Treatment Center", "DeLicia Holiday-Chatman"),
    ]
