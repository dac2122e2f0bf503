"""All of ../shared/data, imported once per session: counts match the files, real rows come out right."""

from locator.importing.importer import import_files
from locator.models import Provider, SourceRecord
from locator.vocabulary import Source
from tests.importing.helpers import parse_path

FILE_ROWS = {
    Source.OTP_DIRECTORY: 1741 + 1767,
    Source.PRACTITIONER_LOCATOR: 51_211,
    Source.FINDTREATMENT: 30,
    Source.NATIONAL_DIRECTORY: 1090,
    Source.LOCATOR_FACILITY_LIST: 14_034,
}


def test_every_row_of_every_file_is_read_and_either_stored_or_rejected_with_a_reason(shared_directory, db):
    assert {source: report.read for source, report in shared_directory.sources.items()} == FILE_ROWS
    for source, report in shared_directory.sources.items():
        stored = SourceRecord.objects.filter(source=source).count()
        if source == Source.OTP_DIRECTORY:
            assert stored == report.created  # Feb and Jul 2020 list most programs twice, under one key
        else:
            assert stored == report.read - report.rejected - report.combined
        assert len(report.rejection_samples) == min(report.rejected, 5)
    assert shared_directory.sources[Source.PRACTITIONER_LOCATOR].rejected < 0.01 * 51_211


def test_otp_directory_of_july_2020_decides_which_programs_are_still_listed(shared_directory, shared_data_dir, db):
    _, july, _ = parse_path(shared_data_dir / "otp_directory_20200704.xls")
    _, february, _ = parse_path(shared_data_dir / "otp_directory_20200217.csv")
    records = SourceRecord.objects.filter(source=Source.OTP_DIRECTORY)
    assert set(records.filter(active=True).values_list("source_key", flat=True)) == {r.source_key for r in july}
    assert set(records.filter(active=False).values_list("source_key", flat=True)) == (
        {r.source_key for r in february} - {r.source_key for r in july}
    )
    assert Provider.objects.filter(is_otp=True, active=True).count() <= 1767


def test_otp_programs_found_in_a_facility_source_take_its_coordinates(shared_directory, db):
    # The OTP Directory lists it under Verona 24482 and another phone; the locator under Staunton 24401.
    staunton = Provider.objects.get(records__source_key__startswith="1cfdfec2")
    assert set(staunton.records.values_list("source", flat=True)) == {
        "findtreatment",
        "otp_directory",
        "locator_facility_list",
    }
    assert staunton.latitude == 38.1906425
    assert staunton.is_otp and staunton.offers_methadone and staunton.location_precision == "source"
    linked_otps = Provider.objects.filter(records__source="otp_directory").exclude(location_precision="zip_centroid")
    assert linked_otps.distinct().count() > 1000


def test_findtreatment_sa_and_mh_rows_of_one_facility_become_one_provider(shared_directory, db):
    mohr = Provider.objects.filter(records__source_key__startswith="811a908f").get()
    assert mohr.name == "Region Ten Community Services Board" and mohr.zip_code == "22902"
    sa_mh_pair = Provider.objects.filter(
        records__source="findtreatment", name="Region Ten Community Services Board", zip_code="22973"
    ).distinct()
    assert sa_mh_pair.count() == 1
    assert sa_mh_pair.get().records.filter(source="findtreatment").count() == 2


def test_practitioners_are_located_at_their_zip_centre_and_marked_approximate(shared_directory, db):
    abbott = Provider.objects.get(name="Dr. Brian Abbott", zip_code="99664")
    # His only address is "P.O. Box 365": he is placed at Seward, not at its post office.
    assert (abbott.kind, abbott.state, abbott.location_precision) == ("practitioner", "AK", "city_centroid")
    assert Provider.objects.filter(kind="practitioner", location_precision="zip_centroid").count() > 40_000
    assert abbott.offers_buprenorphine and not abbott.is_otp
    assert abbott.records.get().source_file.data_date.isoformat() == "2020-07-04"
    located = Provider.objects.filter(kind="practitioner", latitude__isnull=False).count()
    assert located >= Provider.objects.filter(kind="practitioner").count() - 50


def test_a_zip_typo_that_points_to_another_state_falls_back_to_the_city(shared_directory, db):
    # "5032" in Urbandale, Iowa would be 05032, in Vermont; Iowa's files keep leading zeros.
    piasecki = Provider.objects.get(name="Edmund Piasecki", city="Urbandale")
    assert (piasecki.state, piasecki.location_precision) == ("IA", "city_centroid")
    assert 41.5 < piasecki.latitude < 41.7 and -93.8 < piasecki.longitude < -93.6
    assert not Provider.objects.filter(latitude=0, longitude=0).exists()


def test_february_then_july_2020_otp_imports_deactivate_those_that_left_and_add_those_that_came(
    shared_data_dir, empty_directory
):
    import_files([shared_data_dir / "otp_directory_20200217.csv"])
    report = import_files([shared_data_dir / "otp_directory_20200704.xls"]).sources[Source.OTP_DIRECTORY]
    _, july, _ = parse_path(shared_data_dir / "otp_directory_20200704.xls")
    _, february, _ = parse_path(shared_data_dir / "otp_directory_20200217.csv")
    left = {r.source_key for r in february} - {r.source_key for r in july}
    came = {r.source_key for r in july} - {r.source_key for r in february}
    assert (report.deactivated, report.created) == (len(left), len(came))
    assert len(left) > 50 and len(came) > 50
    assert SourceRecord.objects.filter(active=True).count() == 1767
