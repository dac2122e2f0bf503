"""Each parser on the real SAMHSA exports in ../shared/data: counts, and values checked by hand."""

from datetime import date

from locator.vocabulary import Coverage, Kind, LocationPrecision, Source
from tests.importing.helpers import by_name, parse_path


def test_otp_directory_html_xls_reads_every_row_with_certification_and_its_date(shared_data_dir):
    parsed, records, rejections = parse_path(shared_data_dir / "otp_directory_20200704.xls")
    assert (parsed.source, parsed.coverage) == (Source.OTP_DIRECTORY, Coverage.NATIONAL)
    assert len(records) == 1767 and rejections == []
    [grays_harbor] = by_name(records, "Grays Harbor Treatment Solutions")
    assert grays_harbor.name2 == "WCHS, Inc."
    assert (grays_harbor.state, grays_harbor.zip_code, grays_harbor.phone) == ("WA", "98520", "877-774-6565")
    assert grays_harbor.otp_certification == "certified"
    assert grays_harbor.otp_certification_date == date(2020, 5, 4)
    assert grays_harbor.is_otp and grays_harbor.offers_methadone and grays_harbor.kind == Kind.OTP
    [ahoskie] = by_name(records, "AHOSKIE TREATMENT CENTER")
    assert ahoskie.otp_certification == "provisional" and ahoskie.otp_certification_date is None
    assert by_name(records, "Crossroads' Turning Points Inc.")  # &#39; decoded


def test_otp_directory_excel_csv_keeps_leading_zero_of_connecticut_and_puerto_rico_zips(shared_data_dir):
    _, records, rejections = parse_path(shared_data_dir / "otp_directory_20200217.csv")
    assert len(records) == 1741 and rejections == []
    zip_by_name = {record.name: record.zip_code for record in records}
    assert zip_by_name["Ansonia Counseling Services"] == "06401"  # "6401" in the file
    assert zip_by_name["Kinsella Treatment Center"] == "06605"
    puerto_rico = [record for record in records if record.state == "PR"]
    assert puerto_rico and all(record.zip_code.startswith("00") for record in puerto_rico)
    assert all(len(record.zip_code) == 5 for record in records)


def test_otp_directory_excel_csv_is_read_as_mac_roman_not_windows_1252(shared_data_dir):
    _, records, _ = parse_path(shared_data_dir / "otp_directory_20200217.csv")
    names = {record.name for record in records}
    assert "Centro de Tratamiento Integral Asistido con Medicamentos de Bayamón" in names
    assert "River’s Shore Comprehensive Treatment Center" in names


def test_practitioner_locator_maps_full_state_names_and_reads_cut_short_zip_plus_4(shared_data_dir):
    parsed, records, rejections = parse_path(
        shared_data_dir / "bupe_practitioner_locator_20200704" / "Physician_Locator_07_04_2020_AK.csv"
    )
    assert (parsed.source, parsed.coverage) == (Source.PRACTITIONER_LOCATOR, Coverage.STATES)
    assert len(records) == 267 and rejections == []
    assert {record.state for record in records} == {"AK"}
    [abbott] = [record for record in records if record.name == "Dr. Brian Abbott"]
    assert (abbott.street, abbott.city, abbott.zip_code) == ("P.O. Box 365", "Seward", "99664")
    assert abbott.kind == Kind.PRACTITIONER and abbott.offers_buprenorphine and not abbott.offers_methadone
    assert abbott.latitude is None
    assert {record.zip_code for record in records if record.row_number in (49, 74)} == {"99504", "99835"}


def test_practitioner_locator_rejects_zips_that_cannot_be_read_without_guessing(shared_data_dir):
    _, records, rejections = parse_path(
        shared_data_dir / "bupe_practitioner_locator_20200704" / "Physician_Locator_07_04_2020_CO.csv"
    )
    assert len(records) == 1064
    assert [(rejection.row_number, rejection.reason) for rejection in rejections] == [
        (19, "unreadable ZIP '80112116'"),
        (327, "unreadable ZIP '802026'"),
        (742, "unreadable ZIP '881303'"),
    ]


def test_findtreatment_json_reads_medication_payment_and_language_from_services(shared_data_dir):
    parsed, records, rejections = parse_path(shared_data_dir / "findtreatment_api_sample_cbhsq_2019.json")
    assert (parsed.source, parsed.coverage) == (Source.FINDTREATMENT, Coverage.PARTIAL)
    assert len(records) == 30 and rejections == []
    staunton = next(record for record in records if record.name == "Staunton Treatment Center")
    assert staunton.offers_methadone and staunton.is_otp
    assert staunton.location_precision == LocationPrecision.SOURCE
    assert staunton.latitude == 38.1906425 and staunton.longitude < 0
    assert all(len(record.source_key) == 64 for record in records)
    region_ten_sa = next(record for record in records if record.source_key.startswith("39d6ca2b"))
    assert region_ten_sa.offers_buprenorphine or region_ten_sa.offers_naltrexone
    assert "medicaid" in region_ten_sa.payment
    assert region_ten_sa.languages == ("asl", "es")


def test_findtreatment_json_never_counts_pain_management_or_accepting_patients_as_offering_mat(shared_data_dir):
    _, records, _ = parse_path(shared_data_dir / "findtreatment_api_sample_cbhsq_2019.json")
    for record in records:
        opioid_treatment = next((group for group in record.services if group.code == "OT"), None)
        medication_groups = {group.code for group in record.services} & {"OM", "PHR"}
        only_non_mat_labels = opioid_treatment is not None and set(opioid_treatment.values) <= {
            "Accepts clients on opioid medication",
            "Use methadone/buprenorphine for pain management or emergency dosing",
            "Does not treat opioid addiction",
            "Do not use medication for opioid addiction",
        }
        if only_non_mat_labels and not medication_groups:
            assert not (record.offers_buprenorphine or record.offers_methadone or record.offers_naltrexone), record.name


def test_national_directory_codes_decide_medication_and_coordinates_count_as_geocoded(shared_data_dir):
    parsed, records, rejections = parse_path(shared_data_dir / "geoda_meth_2017_national_directory.csv")
    assert parsed.source == Source.NATIONAL_DIRECTORY
    assert len(records) + len(rejections) == 1090
    [shelby] = by_name(records, "Shelby County Treatment Center")
    assert shelby.offers_methadone and shelby.offers_buprenorphine and shelby.offers_naltrexone and shelby.is_otp
    assert {"medicaid", "private_insurance", "sliding_fee", "cash"} <= shelby.payment
    assert shelby.languages == ("asl", "es")
    assert shelby.location_precision == LocationPrecision.ADDRESS
    assert (shelby.phone, shelby.intake_phone) == ("205-216-0200", "")
    phoenix = next(record for record in records if record.phone == "602-258-6797")
    assert phoenix.intake_phone == "602-523-9312"  # "(602)258-6797 Intakes: (602)523-9312 (602)258-6797x931"
    [northwest] = by_name(records, "Northwest Alabama Treatment Center")
    assert northwest.offers_methadone and not northwest.offers_buprenorphine and not northwest.offers_naltrexone
    assert all(len(record.zip_code) == 5 for record in records)


def test_locator_facility_list_pads_zips_and_keeps_samhsa_coordinates(shared_data_dir):
    parsed, records, rejections = parse_path(shared_data_dir / "geoda_samhsa_nationwide_sut_facilities.csv")
    assert parsed.source == Source.LOCATOR_FACILITY_LIST
    assert len(records) + len(rejections) == 14034 and rejections == []
    assert all(len(record.zip_code) == 5 for record in records)
    assert all(record.location_precision == LocationPrecision.SOURCE for record in records)
    assert {record.state for record in records} >= {"AK", "HI", "PR"}
