"""Where a listing sends a person: a street, never a mailing box; a ZIP that agrees with its city;
distances no finer than the location; and the age of the data said out loud."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from locator import gazetteer, kept_answers
from locator.addresses import destination_street, is_po_box
from locator.importing.importer import import_files
from locator.importing.loading import DataDate
from locator.models import Provider, SourceFile, SourceRecord
from locator.vocabulary import DatePrecision, Source
from tests.conftest import PROJECT_DIR
from tests.factories import make_provider

OTP_HEADER = "Program Name,Street,City,State,Zip Code,Phone,Certification\r\n"
LOCATOR_HEADER = "name1,name2,street1,street2,city,state,zip,zip4,county,latitude,longitude\n"
PRACTITIONER_HEADER = "name_prefix,First,Last,Address,Address Complement,City,County,State,Postal Code,Telephone,Fax\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    ["PO Box 12", "P.O. Box 191149", "P O Box 5", "P:O Box 4", "(PO Box 67)", "Post Office Box 7", "POB 9",
     "Box 123", "PMB 45", "Apartado 33", "Apdo. 12", "Drawer 7", "Caller Box 3", "po box 3541", "HC 3 Box 32672",
     "Route 6 Box 840", "DUMC Box 3886"],
)  # fmt: skip
def test_every_spelling_of_a_mailing_box_is_one(line):
    assert is_po_box(line)


@pytest.mark.parametrize(
    "line",
    ["100 Main St", "Boxwood Lane 5", "Box Elder Road", "Box Canyon Road 12", "Pobst Street 4", "Pob Lane",
     "Drawer Road", "Apartado Avenue", "OSU MC", "123 Box Canyon Rd"],
)  # fmt: skip
def test_streets_are_not_mailing_boxes(line):
    assert not is_po_box(line)


def test_the_line_with_the_house_number_is_the_destination():
    assert destination_street("OSU MC", "744 West 9th Street") == "744 West 9th Street"
    assert destination_street("Physician", "1407 North 9th Street") == "1407 North 9th Street"
    assert destination_street("PO Box 3", "12 Main St") == "12 Main St"
    assert destination_street("P.O. Box 191149", "") == ""
    assert destination_street("VA Campus Building 5", "") == "VA Campus Building 5"
    assert destination_street("PO Box 929, 4748 Main Street", "") == "4748 Main Street"
    assert destination_street("9th floor Sparks Bldg", "1720 7th Avenue South") == "1720 7th Avenue South"
    assert destination_street("4th Floor", "") == ""


def test_the_gazetteer_knows_zips_of_post_office_boxes_only():
    assert gazetteer.zip_place("74102").po_boxes_only
    assert not gazetteer.zip_place("74103").po_boxes_only


def test_a_mailing_box_is_placed_at_the_city_and_another_sources_street_is_the_destination(
    empty_directory, tmp_path, client
):
    otp = write(
        tmp_path,
        "otp_directory_20250701.csv",
        OTP_HEADER
        + "Example Island Clinic,P.O. Box 3541,Aguadilla,PR,00605,787-555-0100,Certified\r\n"
        + "Example River Clinic,PO Box 77,Tulsa,OK,74101,918-555-0177,Certified\r\n",
    )
    locator = write(
        tmp_path,
        "locator_facility_list_20250801.csv",
        LOCATOR_HEADER + "Example River Clinic,,500 South Denver Avenue,,Tulsa,OK,74103,,Tulsa,36.1530,-95.9930\n",
    )
    import_files([otp, locator])
    island = Provider.objects.get(name="Example Island Clinic")
    aguadilla = gazetteer.city_centroid("Aguadilla", "PR")
    assert (island.latitude, island.longitude, island.location_precision) == (*aguadilla, "city_centroid")
    record = island.records.get()
    assert record.location_note == "a P.O. box is not a place: placed at the city"
    river = Provider.objects.get(name="Example River Clinic")
    assert (river.street, river.location_precision) == ("500 South Denver Avenue", "source")

    page = client.get(f"/providers/{island.id}/").content.decode()
    assert "Mailing address: P.O. Box 3541" in page
    assert "Call for the street address" in page and "google.com/maps" not in page
    answer = client.get("/api/v1/providers/", {"near": "00605", "radius": "10"}).json()
    [listed] = [result for result in answer["results"] if result["name"] == "Example Island Clinic"]
    assert listed["location_precision"] == "city_centroid" and listed["distance_is_approximate"]


def test_the_street_on_the_second_line_is_where_directions_lead(empty_directory, tmp_path, client):
    practitioners = write(
        tmp_path,
        "Physician_Locator_20200704_OK.csv",
        PRACTITIONER_HEADER + ",Example,Surgeon,OSU MC,744 West 9th Street,Tulsa,TULSA,Oklahoma,74127,918-555-0199,\n",
    )
    import_files([practitioners])
    provider = Provider.objects.get()
    page = client.get(f"/providers/{provider.id}/").content.decode()
    assert "OSU MC<br>" in page and "744 West 9th Street<br>" in page
    assert "destination=744+West+9th+Street%2C+Tulsa%2C+OK+74127" in page
    assert "listed this practitioner in 2020 as able to prescribe buprenorphine" in page


def test_a_zip_far_from_its_city_is_not_believed(empty_directory, tmp_path):
    otp = write(
        tmp_path,
        "otp_directory_20250701.csv",
        OTP_HEADER
        + "Example College Station Program,1 Example Drive,College Station,TX,77080,979-555-0100,Certified\r\n"
        + "Example Houston Program,2 Example Drive,Houston,TX,77080,713-555-0100,Certified\r\n"
        # The ZIP is Saint Louis's, and Breckenridge Hills is a name the Postal Service accepts for it.
        + "Example Breckenridge Program,3 Example Drive,Breckenridge,MO,63114,314-555-0100,Certified\r\n"
        # A ZIP of Los Angeles, 17 miles from the centre of that large city.
        + "Example Westwood Program,4 Example Drive,Los Angeles,CA,90095,310-555-0100,Certified\r\n",
    )
    report = import_files([otp]).sources[Source.OTP_DIRECTORY]
    assert report.placed_at_city == 1
    college_station = Provider.objects.get(name="Example College Station Program")
    assert (college_station.latitude, college_station.longitude) == gazetteer.city_centroid("College Station", "TX")
    assert college_station.location_precision == "city_centroid"
    note = college_station.records.get().location_note
    assert note.startswith("ZIP 77080 is ") and note.endswith(" miles from College Station: placed at the city")
    for name in ("Example Houston Program", "Example Breckenridge Program", "Example Westwood Program"):
        assert Provider.objects.get(name=name).location_precision == "zip_centroid", name


def test_one_address_spelled_two_ways_is_one_place_with_the_exact_coordinates(empty_directory, tmp_path):
    otp = write(
        tmp_path,
        "otp_directory_20250701.csv",
        OTP_HEADER + "10th Street Comprehensive Treatment Center,4800 South Tenth St.,Milwaukee,WI,53221,"
        "414-555-0100,Certified\r\n",
    )
    locator = write(
        tmp_path,
        "locator_facility_list_20250801.csv",
        LOCATOR_HEADER + "10th Street Comprehensive Trt Center,,4800 S 10th Avenue,,Milwaukee,WI,53207,,,"
        "42.9511,-87.9262\n",
    )
    import_files([otp, locator])
    [provider] = Provider.objects.all()
    assert provider.is_otp and provider.location_precision == "source"
    assert provider.latitude == pytest.approx(42.9511)


def test_distances_to_a_centre_are_about_and_never_finer_than_it(client, empty_directory):
    tulsa_zip = gazetteer.zip_place("74103")
    make_provider(
        latitude=tulsa_zip.latitude, longitude=tulsa_zip.longitude, location_precision="zip_centroid", name="At Centre"
    )
    make_provider(
        latitude=36.1700, longitude=-95.9500, location_precision="zip_centroid", name="Nearby", zip_code="74106"
    )
    make_provider(latitude=tulsa_zip.latitude + 0.002, longitude=tulsa_zip.longitude, name="Exact")
    page = client.get("/", {"near": "74103"}).content.decode()
    assert "in ZIP 74103" in page and "about 3 miles (center of ZIP 74106)" in page
    assert "0.1 miles" in page and "less than 0.1 miles" not in page
    results = client.get("/api/v1/providers/", {"near": "74103"}).json()["results"]
    assert {result["name"]: result["distance_is_approximate"] for result in results} == {
        "At Centre": True,
        "Exact": False,
        "Nearby": True,
    }


def test_at_one_distance_an_exact_location_comes_before_a_centre(client, empty_directory):
    tulsa_zip = gazetteer.zip_place("74103")
    at = {"latitude": tulsa_zip.latitude, "longitude": tulsa_zip.longitude}
    make_provider(**at, location_precision="zip_centroid", name="A Practitioner at the Centre")
    make_provider(**at, name="Z Clinic at its Own Address")
    results = client.get("/api/v1/providers/", {"near": "74103"}).json()["results"]
    assert [result["name"] for result in results] == ["Z Clinic at its Own Address", "A Practitioner at the Centre"]


def test_old_data_is_said_on_every_page_and_in_the_api_and_fresh_data_is_not(empty_directory, tmp_path, client):
    old = write(
        tmp_path,
        "otp_directory_20200704.csv",
        OTP_HEADER + "Example Program,1 Main St,Tulsa,OK,74103,918-555-0100,Certified\r\n",
    )
    import_files([old])
    provider = Provider.objects.get()
    for path in ("/", "/?near=74103", f"/providers/{provider.id}/", "/about/", f"/providers/{provider.id}/report/"):
        page = client.get(path).content.decode()
        assert "These listings are from SAMHSA data of July 4, 2020 or earlier" in page, path
        assert 'href="https://findtreatment.gov/"' in page and "1-800-662-4357" in page
    assert client.get("/api/v1/meta/").json()["stale"] is True
    assert client.get("/healthz").json()["stale"] is True

    today = timezone.now().date().strftime("%Y%m%d")
    fresh = write(tmp_path, f"otp_directory_{today}.csv", old.read_text())
    import_files([fresh])
    kept_answers.forget_directory_version()
    assert "These listings are from SAMHSA data" not in client.get("/?near=74103").content.decode()
    assert client.get("/api/v1/meta/").json()["stale"] is False
    assert client.get("/healthz").json()["stale"] is False


def test_a_file_without_a_date_of_its_own_takes_the_one_given(empty_directory, tmp_path):
    undated = write(
        tmp_path, "facilities.csv", LOCATOR_HEADER + "Example Place,,1 Main St,,Tulsa,OK,74103,,,36.15,-95.99\n"
    )
    dated = write(
        tmp_path,
        "otp_directory_20200704.csv",
        OTP_HEADER + "Example OTP,2 Main St,Tulsa,OK,74103,918-555-0100,Certified\r\n",
    )
    import_files([undated, dated], data_date=DataDate(datetime.date(2021, 1, 1), DatePrecision.YEAR))
    dates = dict(SourceFile.objects.values_list("file_name", "data_date"))
    assert dates == {
        "facilities.csv": datetime.date(2021, 1, 1),
        "otp_directory_20200704.csv": datetime.date(2020, 7, 4),
    }
    assert SourceFile.objects.get(file_name="facilities.csv").data_date_precision == "year"


def test_a_year_on_the_command_line_is_a_year_and_a_date_in_a_name_is_kept(empty_directory, tmp_path):
    undated = write(
        tmp_path, "facilities.csv", LOCATOR_HEADER + "Example Place,,1 Main St,,Tulsa,OK,74103,,,36.15,-95.99\n"
    )
    dated = write(
        tmp_path,
        "otp_directory_20200704.csv",
        OTP_HEADER + "Example OTP,2 Main St,Tulsa,OK,74103,918-555-0100,Certified\r\n",
    )
    output = io.StringIO()
    call_command("import_samhsa", str(undated), str(dated), "--data-date", "2021", stdout=output)
    assert SourceFile.objects.get(file_name="facilities.csv").data_date_precision == "year"
    assert (
        "the date in the name, not --data-date, for 1 file(s): otp_directory_20200704.csv (2020-07-04)"
        in output.getvalue()
    )


def test_make_run_dates_the_shared_facility_list(shared_data_dir):
    commands = subprocess.run(["make", "-n", "import-data"], cwd=PROJECT_DIR, capture_output=True, text=True).stdout
    assert "import_samhsa ../shared/data --data-date 2021" in commands


def test_a_listing_without_a_street_is_not_joined_to_a_program_of_its_parent_organisation(empty_directory, tmp_path):
    otp = write(
        tmp_path,
        "otp_directory_20250701.csv",
        OTP_HEADER + "Example University,21st St and Washington Ave,Philadelphia,PA,19146,215-555-0001,Certified\r\n",
    )
    locator = write(
        tmp_path,
        "locator_facility_list_20250801.csv",
        LOCATOR_HEADER + "Example Sisters Place,Example University,1239 Spring Garden St,,Philadelphia,PA,19123,,,"
        "39.9621,-75.1570\n",
    )
    import_files([otp, locator])
    assert Provider.objects.count() == 2


def test_in_the_shared_directory_no_mailing_box_is_a_destination(shared_directory, db):
    active = Provider.objects.filter(active=True)
    mailing_only = [
        provider
        for provider in active.only("street", "street2", "location_precision")
        if not destination_street(provider.street, provider.street2) and is_po_box(provider.street)
    ]
    assert len(mailing_only) > 50
    assert {provider.location_precision for provider in mailing_only} <= {"city_centroid", "zip_centroid"}
    # At a ZIP centre only where the city is unknown to the gazetteer.
    assert sum(provider.location_precision == "zip_centroid" for provider in mailing_only) < 0.05 * len(mailing_only)
    # College Station's ZIP 77080 is Houston's; Avondale's 85232 is Florence's.
    notes = SourceRecord.objects.filter(source="otp_directory", location_note__contains="miles from")
    assert notes.filter(location_note__startswith="ZIP 77080 is ").exists()
    assert notes.filter(location_note__startswith="ZIP 85232 is ").exists()
