"""Files that are broken in the ways real downloads break. Each is refused as a whole with a message that
says what is wrong, or loses only its bad rows with a row-level reason; a refused file changes nothing."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from locator.importing.importer import import_files
from locator.importing.records import ImportFailed
from locator.models import SourceRecord
from locator.vocabulary import Source
from tests.conftest import FIXTURES_DIR
from tests.importing.helpers import OTP_HEADER
from tests.importing.test_importer import directory_state

OTP_SAMPLE = FIXTURES_DIR / "otp_directory_sample_20250601.csv"
GOOD_ROWS = [
    "Fictional Recovery Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified",
    "Imaginary Health OTP,2 Elm St,Tulsa,OK,74104,918-555-0001,Certified",
    "Pretend Clinic,3 Oak St,Tulsa,OK,74105,918-555-0002,Provisional",
]


@pytest.fixture
def previous_directory(empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    return directory_state()


def refused(path: Path, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("import_samhsa", str(path), stdout=open("/dev/null", "w"))


def test_a_csv_cut_off_in_the_middle_of_a_row_is_refused(previous_directory, tmp_path):
    text = OTP_HEADER + "\r\n".join(GOOD_ROWS) + "\r\n"
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_text(text[: text.index("918-555-0001")], encoding="utf-8")
    refused(path, "ends in the middle of row 3: it looks cut off")
    assert directory_state() == previous_directory


def test_a_complete_csv_without_a_final_line_break_is_not_mistaken_for_a_cut_off_one(empty_directory, tmp_path):
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_text(OTP_HEADER + "\r\n".join(GOOD_ROWS), encoding="utf-8")
    assert import_files([path]).sources[Source.OTP_DIRECTORY].created == 3


def test_utf16_with_its_bom_reads_like_utf8(empty_directory, tmp_path):
    path = tmp_path / "otp_directory_20250601.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + OTP_SAMPLE.read_text(encoding="utf-8").encode("utf-16-le"))
    report = import_files([path]).sources[Source.OTP_DIRECTORY]
    assert (report.created, report.rejected) == (3, 0)


def test_a_binary_file_under_the_right_name_is_refused(previous_directory, tmp_path):
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4)
    refused(path, "NUL bytes")
    assert directory_state() == previous_directory


def test_an_error_page_saved_as_the_export_is_refused(previous_directory, tmp_path):
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_text("<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>", encoding="utf-8")
    refused(path, "a web page, not a SAMHSA export")
    assert directory_state() == previous_directory


def test_another_sources_file_under_the_otp_directory_name_is_refused(previous_directory, tmp_path):
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_bytes((FIXTURES_DIR / "findtreatment_sample_20250601.json").read_bytes())
    refused(path, "the name says SAMHSA Opioid Treatment Program Directory, but the content is FindTreatment")
    assert directory_state() == previous_directory


def test_a_csv_whose_rows_all_have_an_extra_field_is_refused_not_imported_shifted(previous_directory, tmp_path):
    # A comma inside an unquoted name moves every later value one column to the right.
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_text(OTP_HEADER + "".join(row.replace(",", ", LLC,", 1) + "\r\n" for row in GOOD_ROWS), encoding="utf-8")
    refused(path, "3 of 3 rows have more fields than the header: the columns are shifted")
    assert directory_state() == previous_directory


def test_a_snapshot_with_no_usable_row_is_refused_rather_than_retiring_every_program(previous_directory, tmp_path):
    path = tmp_path / "otp_directory_20250701.csv"
    path.write_text(OTP_HEADER + "".join(f"{row[: row.index(',')]},,,,,,\r\n" for row in GOOD_ROWS), encoding="utf-8")
    refused(path, "none of its 3 rows could be used; row 2: ")
    assert directory_state() == previous_directory


def sharing_a_key(tmp_path: Path, reverse: bool) -> Path:
    document = json.loads((FIXTURES_DIR / "findtreatment_sample_20250601.json").read_text(encoding="utf-8"))
    first = document["rows"][0]
    again = dict(first, services=[{"f1": "Payment", "f2": "PAY", "f3": "Medicare"}], latitude=None, longitude=None)
    elsewhere = dict(first, phone="(434) 555-0199", latitude="38.1000", longitude="-78.5000")
    rows = [first, again, elsewhere]
    document["rows"] = document["rows"][1:] + (rows[::-1] if reverse else rows)
    path = tmp_path / ("reversed" if reverse else "in_order") / "findtreatment_20250701.json"
    path.parent.mkdir()
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("reverse", [False, True], ids=["in order", "reversed"])
def test_rows_sharing_a_key_are_one_place_with_the_services_of_both_unless_their_phones_differ(
    empty_directory, tmp_path, reverse
):
    report = import_files([sharing_a_key(tmp_path, reverse)]).sources[Source.FINDTREATMENT]
    assert (report.rejected, report.combined) == (0, 1)
    frid = "a" * 64
    records = {record.source_key: record for record in SourceRecord.objects.filter(source_key__startswith=frid)}
    # Whatever the order of the rows, each place gets the same key: its phone tells it apart.
    assert sorted(records) == [f"{frid}|434-555-0100", f"{frid}|434-555-0199"]
    here, elsewhere = records[f"{frid}|434-555-0100"], records[f"{frid}|434-555-0199"]
    assert here.payload["payment"] == ["cash", "medicaid", "medicare", "private_insurance", "sliding_fee"]
    assert (here.latitude, elsewhere.latitude) == (pytest.approx(38.0301), pytest.approx(38.1))
    assert "medicare" not in elsewhere.payload["payment"]


def test_a_denial_in_one_row_holds_for_the_place_listed_twice(empty_directory, tmp_path):
    document = json.loads((FIXTURES_DIR / "findtreatment_sample_20250601.json").read_text(encoding="utf-8"))
    first = document["rows"][0]
    denial = dict(
        first, services=[{"f1": "Type of Opioid Treatment", "f2": "OT", "f3": "Does not treat opioid use disorders"}]
    )
    document["rows"] = [first, denial]
    path = tmp_path / "findtreatment_20250701.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_files([path]).sources[Source.FINDTREATMENT]
    assert (report.combined, report.offers_and_denies_moud) == (1, 1)
    [record] = SourceRecord.objects.all()
    assert not (record.payload["offers_buprenorphine"] or record.payload["offers_naltrexone"])


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("-95.99", "36.15"), ("0", "0"), ("0.0", "0.0"), ("999", "-95.99")],
    ids=["swapped", "null island", "null island as decimals", "latitude 999"],
)
def test_impossible_coordinates_reject_the_row_with_a_reason(empty_directory, tmp_path, latitude, longitude):
    document = json.loads((FIXTURES_DIR / "findtreatment_sample_20250601.json").read_text(encoding="utf-8"))
    document["rows"][0]["latitude"], document["rows"][0]["longitude"] = latitude, longitude
    path = tmp_path / "findtreatment_20250701.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_files([path]).sources[Source.FINDTREATMENT]
    assert report.rejected == 1 and report.created == len(document["rows"]) - 1
    assert "row 1:" in report.rejection_samples[0] and "outside the US" in report.rejection_samples[0]


def test_a_refused_file_among_good_ones_stops_the_whole_import(previous_directory, tmp_path):
    good = tmp_path / "otp_directory_20250701.csv"
    good.write_text(OTP_HEADER + "\r\n".join(GOOD_ROWS) + "\r\n", encoding="utf-8")
    bad = tmp_path / "findtreatment_20250701.json"
    bad.write_text('{"page": 1, "rows": [', encoding="utf-8")
    with pytest.raises(ImportFailed):
        import_files([good, bad])
    assert directory_state() == previous_directory
