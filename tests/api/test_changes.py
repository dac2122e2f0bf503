"""The changes feed (/api/v1/changes/): what snapshots added, changed and removed since a date of the data."""

from datetime import date

import pytest

from locator.importing.importer import import_files
from locator.models import ListingChange, Provider
from tests.conftest import SHARED_DATA_DIR
from tests.importing.helpers import parse_path, write_otp_csv

URL = "/api/v1/changes/"


def all_changes(client, **params) -> list[dict]:
    """Every page of an answer, following `next`."""
    answer = client.get(URL, {"page_size": 1000, **params}).json()
    results = answer["results"]
    while answer["next"]:
        answer = client.get(answer["next"]).json()
        results += answer["results"]
    return results


def summary(entries: list[dict]) -> list[tuple]:
    return [(entry["change"], entry["data_date"], entry["listing"]["name"], entry["fields"]) for entry in entries]


@pytest.fixture
def three_snapshots(tmp_path):
    return [
        write_otp_csv(
            tmp_path,
            "otp_directory_20250101.csv",
            [
                "Stays Program,1 Main St,Tulsa,OK,74103,918-555-0000,Provisional",
                "Leaves Program,2 Main St,Tulsa,OK,74103,918-555-0001,Certified",
                "Moves Program,4 Main St,Tulsa,OK,74103,918-555-0003,Certified",
            ],
        ),
        write_otp_csv(
            tmp_path,
            "otp_directory_20250201.csv",
            [
                "Stays Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified",
                "Moves Program,4 Main St,Tulsa,OK,74103,918-555-0099,Certified",
                "Arrives Program,3 Main St,Tulsa,OK,74103,918-555-0002,Certified",
            ],
        ),
        write_otp_csv(
            tmp_path,
            "otp_directory_20250301.csv",
            [
                "Stays Program,1 Main St,Tulsa,OK,74103,918-555-0000,Certified",
                "Moves Program,4 Main St,Tulsa,OK,74103,918-555-0099,Certified",
                "Arrives Program,3 Main St,Tulsa,OK,74103,918-555-0002,Certified",
                "Leaves Program,2 Main St,Tulsa,OK,74103,918-555-0001,Certified",
            ],
        ),
    ]


@pytest.mark.parametrize("in_one_import", [False, True], ids=["imported-one-by-one", "imported-together"])
def test_the_feed_lists_what_each_snapshot_added_changed_and_removed_by_the_date_of_its_data(
    empty_directory, client, three_snapshots, in_one_import
):
    if in_one_import:
        import_files(three_snapshots)
    else:
        for snapshot in three_snapshots:
            import_files([snapshot])

    assert sorted(summary(all_changes(client, since="2025-01-15"))) == [
        ("added", "2025-02-01", "Arrives Program", []),
        ("added", "2025-03-01", "Leaves Program", []),
        ("changed", "2025-02-01", "Moves Program", ["phone"]),
        ("changed", "2025-02-01", "Stays Program", ["otp_certification"]),
        ("removed", "2025-02-01", "Leaves Program", []),
    ]
    assert len(all_changes(client, since="2025-01-01")) == 8
    assert all_changes(client, since="2025-03-02") == []
    relisted = all_changes(client, since="2025-02-15")
    assert [(entry["change"], entry["provider"]["active"]) for entry in relisted] == [("added", True)]


def test_a_removed_listing_says_whether_its_provider_left_the_directory(empty_directory, client, three_snapshots):
    import_files(three_snapshots[:2])
    [removed] = all_changes(client, since="2025-02-01", change="removed")
    leaves = Provider.objects.get(name="Leaves Program")
    assert removed["provider"] == {
        "id": leaves.id,
        "name": "Leaves Program",
        "url": f"http://testserver/api/v1/providers/{leaves.id}/",
        "active": False,
    }
    assert removed["listing"]["street"] == "2 Main St"
    assert removed["source"] == "otp_directory" and removed["source_file"] == "otp_directory_20250201.csv"
    assert client.get(removed["provider"]["url"]).status_code == 404


def test_importing_a_snapshot_again_records_no_change(empty_directory, three_snapshots):
    import_files(three_snapshots[:1])
    recorded = ListingChange.objects.count()
    import_files(three_snapshots[:1])
    assert ListingChange.objects.count() == recorded == 3


def test_a_provider_deleted_takes_its_history_with_it(empty_directory, three_snapshots):
    import_files(three_snapshots[:2])
    Provider.objects.get(name="Leaves Program").delete()
    assert not ListingChange.objects.filter(record__provider__name="Leaves Program").exists()
    assert ListingChange.objects.filter(change="removed").count() == 0


def test_filters_and_paging(empty_directory, client, three_snapshots):
    import_files(three_snapshots)
    first = client.get(URL, {"since": "2025-01-01", "page_size": 3}).json()
    assert first["count"] == 8 and len(first["results"]) == 3 and first["previous"] is None
    assert first["through"] == "2025-03-01"
    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert len(last["results"]) == 2 and last["next"] is None
    dates = [entry["data_date"] for entry in all_changes(client, since="2025-01-01")]
    assert dates == sorted(dates)
    assert {entry["change"] for entry in all_changes(client, since="2025-01-01", change="changed")} == {"changed"}
    assert all_changes(client, since="2025-01-01", state="TX") == []
    assert all_changes(client, since="2025-01-01", source="practitioner_locator") == []


@pytest.mark.parametrize(
    "query, field",
    [
        ({}, "since"),
        ({"since": "2020-3-1"}, "since"),
        ({"since": "03/01/2020"}, "since"),
        ({"since": "٢٠٢٠-٠٣-٠١"}, "since"),
        ({"since": "2020-02-30"}, "since"),
        ({"since": "2020-03-01", "change": "deleted"}, "change"),
        ({"since": "2020-03-01", "source": "nowhere"}, "source"),
        ({"since": "2020-03-01", "state": "ZZ"}, "state"),
        ({"since": "2020-03-01", "page_size": "5000"}, "page_size"),
        ({"since": "2020-03-01", "sinse": "2020"}, "sinse"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(empty_directory, client, query, field):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_a_page_past_the_end_is_a_404_but_an_empty_first_page_is_an_answer(empty_directory, client):
    assert client.get(URL, {"since": "2020-03-01", "page": 2}).status_code == 404
    answer = client.get(URL, {"since": "2020-03-01"}).json()
    assert (answer["count"], answer["results"], answer["through"]) == (0, [], None)


@pytest.mark.shared_data
def test_between_the_two_otp_directory_snapshots_the_programs_july_no_longer_lists_are_removed(
    shared_directory, db, client, shared_data_dir
):
    _, february, _ = parse_path(SHARED_DATA_DIR / "otp_directory_20200217.csv")
    _, july, _ = parse_path(SHARED_DATA_DIR / "otp_directory_20200704.xls")
    july_keys = {record.source_key for record in july}
    dropped = {
        (record.name, record.street, record.zip_code) for record in february if record.source_key not in july_keys
    }
    assert len(dropped) > 50

    removed = all_changes(client, since="2020-03-01", source="otp_directory", change="removed")
    listings = {
        (entry["listing"]["name"], entry["listing"]["street"], entry["listing"]["zip_code"]) for entry in removed
    }
    assert listings == dropped
    assert {(entry["data_date"], entry["source_file"]) for entry in removed} == {
        ("2020-07-04", "otp_directory_20200704.xls")
    }
    # Most renamed or moved programs are still listed by July under their new name; some left the directory.
    by_activity = {
        active: [entry for entry in removed if entry["provider"]["active"] is active] for active in (True, False)
    }
    assert by_activity[True] and by_activity[False]
    for entry in by_activity[False][:3]:
        assert client.get(entry["provider"]["url"]).status_code == 404

    added_in_july = all_changes(client, since="2020-03-01", source="otp_directory", change="added")
    february_keys = {record.source_key for record in february}
    assert len(added_in_july) == len(july_keys - february_keys)
    assert all_changes(client, since="2020-07-05", source="otp_directory") == []
    assert date.fromisoformat(client.get(URL, {"since": "2020-03-01"}).json()["through"]) >= date(2020, 7, 4)
