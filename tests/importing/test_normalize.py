from datetime import date

import pytest

from locator.geo import is_in_us, normalize_state, normalize_zip
from locator.importing.loading import data_date_from_name
from locator.importing.normalize import address_key, name_key, normalize_phone, phone_key
from locator.importing.rows import decode_text
from locator.vocabulary import DatePrecision


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06401", "06401"),
        ("6401", "06401"),
        ("960", "00960"),
        (6401, "06401"),
        ("6401.0", "06401"),
        ("22902-1234", "22902"),
        ("229021234", "22902"),
        ("99835-", "99835"),
        ("33756-____", "33756"),
        ("05301.", "05301"),
        ("802026", None),
        ("0225-5400", None),
        ("1997319977", None),
        ("ABCDE", None),
        ("", None),
    ],
)
def test_normalize_zip_pads_lost_zeros_and_refuses_to_guess(raw, expected):
    assert normalize_zip(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AK", "AK"),
        ("ak", "AK"),
        ("Alaska", "AK"),
        ("Puerto Rico", "PR"),
        ("District of Columbia", "DC"),
        (" new  york ", "NY"),
        ("Guam", "GU"),
        ("XX", None),
        ("Ontario", None),
        ("", None),
    ],
)
def test_normalize_state_accepts_codes_and_full_names(raw, expected):
    assert normalize_state(raw) == expected


def test_is_in_us_covers_territories_and_the_antimeridian_but_not_null_island_or_swapped_coordinates():
    assert is_in_us(13.4762, 144.7516)  # Guam
    assert is_in_us(52.9, 173.2)  # Attu, west of the antimeridian
    assert is_in_us(18.39, -66.15)  # Bayamón
    assert is_in_us(-14.28, -170.7)  # Pago Pago
    assert not is_in_us(0.0, 0.0)
    assert not is_in_us(-78.47, 38.03)  # Charlottesville with latitude and longitude swapped
    assert not is_in_us(51.5, -0.12)  # London


def test_normalize_phone_formats_us_numbers_and_keeps_extensions():
    assert normalize_phone("(410) 273-1030") == "410-273-1030"
    assert normalize_phone("1-800-662-4357") == "800-662-4357"
    assert normalize_phone("434.979.8871 x 204") == "434-979-8871 ext. 204"
    assert normalize_phone("(510)875- 2300x245") == "510-875-2300 ext. 245"
    assert normalize_phone("(602)258-6797 Intakes: (602)523-9312") == "602-258-6797"
    assert normalize_phone("call the front desk") == ""
    assert normalize_phone("555-1234") == ""
    assert normalize_phone("") == ""


def test_address_key_ignores_spelling_and_suite_but_not_the_house_number():
    plain = address_key("780 W. Bel Air Ave Suite B", "21001")
    assert plain == address_key("780 West Bel Air Avenue", "21001")
    assert plain != address_key("782 W. Bel Air Ave", "21001")
    assert plain != address_key("780 W. Bel Air Ave", "21002")
    assert address_key("P.O. Box 365", "99664") == ""
    assert address_key("5716-C Industry Lane", "21704") == address_key("5716 Industry Lane", "21704")
    assert address_key("1107 South Atkinson", "88203") == address_key("1107 South Atkinson Street", "88203")
    assert address_key("630 N. St. Francis, Suite C", "67214") == address_key("630 North Saint Francis Street", "67214")
    assert address_key("100 N Main St", "67214") != address_key("100 S Main St", "67214")


def test_phone_key_needs_a_full_number_and_a_zip():
    assert phone_key("410-273-1030", "21001") == "4102731030|21001"
    assert phone_key("273-1030", "21001") == ""
    assert phone_key("410-273-1030", "") == ""


def test_name_key_ignores_legal_suffixes_and_case():
    assert name_key("Serenity Health, LLC") == name_key("SERENITY HEALTH")


def test_decode_text_tells_mac_roman_from_windows_1252():
    assert decode_text("Bayamón".encode("mac_roman")) == "Bayamón"
    assert decode_text("Clínica River’s".encode("mac_roman")) == "Clínica River’s"
    assert decode_text("Peña River’s".encode("cp1252")) == "Peña River’s"
    assert decode_text("\ufeffAnchorage".encode("utf-8")) == "Anchorage"


@pytest.mark.parametrize(
    ("file_name", "expected", "precision"),
    [
        ("otp_directory_20200704.xls", date(2020, 7, 4), DatePrecision.DAY),
        ("Physician_Locator_07_04_2020_AK.csv", date(2020, 7, 4), DatePrecision.DAY),
        ("geoda_meth_2017_national_directory.csv", date(2017, 1, 1), DatePrecision.YEAR),
        ("geoda_samhsa_nationwide_sut_facilities.csv", None, DatePrecision.DAY),
    ],
)
def test_data_date_is_read_from_samhsa_file_names(file_name, expected, precision):
    assert data_date_from_name(file_name) == (expected, precision)
