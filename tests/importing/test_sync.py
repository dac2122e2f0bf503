"""sync_samhsa against a local replay of SAMHSA's endpoints, with faults injected."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from locator.importing.sync import SyncFailed, findtreatment_queries, sync_samhsa
from locator.models import Provider, SourceFile, SourceRecord, ZipAccess
from locator.vocabulary import Source
from tests.conftest import FIXTURES_DIR
from tests.importing import replay_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def samhsa_settings():
    """Settings that point the sync at a replay server and make it fast."""

    def settings_for(base_url, tmp_path):
        return override_settings(
            LOCATOR_FINDTREATMENT_URL=base_url + replay_server.FINDTREATMENT_PATH,
            LOCATOR_OTP_DIRECTORY_URL=base_url + replay_server.OTP_EXPORT_PATH + "?page&_format=csv",
            LOCATOR_SYNC_DIR=tmp_path / "sync",
            LOCATOR_SYNC_PAGE_SIZE=2,
            LOCATOR_SYNC_PAUSE_SECONDS=0,
            LOCATOR_SYNC_BACKOFF_SECONDS=0.01,
            LOCATOR_SYNC_TIMEOUT_SECONDS=1.0,
            LOCATOR_SYNC_RETRIES=2,
        )

    return settings_for


@pytest.fixture
def samhsa(shared_data_dir, tmp_path, empty_directory, samhsa_settings):
    recorded = replay_server.Recorded.from_shared_data(shared_data_dir)
    server, base_url = replay_server.start(recorded)
    with samhsa_settings(base_url, tmp_path):
        yield recorded
    server.shutdown()


def directory_state() -> tuple:
    return (
        sorted(Provider.objects.values_list("id", "name", "active", "offers_methadone")),
        sorted(SourceRecord.objects.values_list("source", "source_key", "active", "content_hash")),
        sorted(SourceFile.objects.values_list("file_name", "rows_read")),
    )


def medication_rows(recorded: replay_server.Recorded) -> int:
    """Virginia's rows that offer any of the three medications: what a complete sweep finds."""
    params = {"limitType": "0", "limitValue": replay_server.VIRGINIA_STATE_ID}
    found = {
        json.dumps(row, sort_keys=True)
        for code in ("BU", "METH", "NU")
        for row in recorded.rows_for(params | {"sCodes": code})
    }
    return len(found)


def test_a_sync_imports_the_national_sweep_and_the_otp_directory_and_keeps_every_download(samhsa):
    report = sync_samhsa()
    queries = list(findtreatment_queries(2))
    assert len(queries) == 3 * (51 + 5)
    assert {query.region for query in queries} >= {"AK", "HI", "PR", "GU", "VI", "AS", "MP"}
    assert report.findtreatment_rows == medication_rows(samhsa) >= 5
    assert report.otp_programs > 1500
    assert Provider.objects.filter(records__source="findtreatment", active=True).exists()
    assert Provider.objects.filter(records__source="otp_directory", is_otp=True).exists()
    sweep = SourceFile.objects.get(source="findtreatment")
    assert sweep.coverage == "national" and sweep.file_name.startswith("findtreatment_sweep_")
    manifest = [json.loads(line) for line in (report.folder / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == report.fetched == len(samhsa.requests)
    assert all(entry["fetched_at"] and len(entry["sha256"]) == 64 for entry in manifest)
    assert (report.folder / "otp_directory_export.csv").read_bytes() == samhsa.otp_csv
    assert json.loads((report.folder / "imported.json").read_text())["findtreatment_rows"] == medication_rows(samhsa)
    assert samhsa.user_agents == {"mat-treatment-locator/1 (open-source MOUD provider locator; sync_samhsa)"}
    # Virginia's rows for buprenorphine span pages of 2; every page was asked for once.
    virginia_pages = [path for path in samhsa.requests if "limitValue=50" in path and "sCodes=BU" in path]
    assert len(virginia_pages) == len(set(virginia_pages)) >= 2


def test_a_transient_500_is_retried(samhsa):
    fault = replay_server.Fault("http_500", "sCodes=METH", times=1)
    samhsa.faults.append(fault)
    report = sync_samhsa()
    assert fault.times == 0, "the fault never fired"
    failed = next(path for path in samhsa.requests if "sCodes=METH" in path)
    # The request that got the 500 was asked again, and the sweep went on to import it.
    assert samhsa.requests.count(failed) == 2
    assert report.fetched == len(samhsa.requests) - 1
    assert SourceFile.objects.filter(source="findtreatment").exists()


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (replay_server.Fault("http_500", "limitValue=50"), "HTTP 500"),
        (replay_server.Fault("stall", "stateCode=PR"), "no answer"),
        (replay_server.Fault("plain_text", "sCodes=NU"), "not JSON: 'Error: the query could not be processed'"),
        (replay_server.Fault("truncated", "limitValue=50&page=2"), "truncated or broken JSON"),
        (replay_server.Fault("empty_page", "sCodes=BU&pageSize=2&sort=0&limitType=0&limitValue=50&page=2"), "empty"),
        (replay_server.Fault("http_500", "opioid-treatment-program-directory"), "HTTP 500"),
    ],
    ids=["http-500", "timeout", "plain-text-200", "truncated-json", "empty-page-in-the-middle", "otp-export-500"],
)
def test_each_fault_leaves_the_directory_exactly_as_it_was(samhsa, fault, message):
    sync_samhsa()
    before = directory_state()
    samhsa.faults.append(fault)
    with pytest.raises(SyncFailed, match=message):
        sync_samhsa()
    assert directory_state() == before


def test_a_failed_sync_resumes_without_fetching_again_what_it_already_has(samhsa):
    samhsa.faults.append(replay_server.Fault("http_500", "opioid-treatment-program-directory"))
    with pytest.raises(CommandError, match="Nothing was imported; the directory is as it was. .*HTTP 500"):
        call_command("sync_samhsa", stdout=open("/dev/null", "w"))
    first_attempt = list(samhsa.requests)
    assert not SourceFile.objects.exists()
    samhsa.faults.clear()
    samhsa.requests.clear()
    report = sync_samhsa(resume=True)
    assert samhsa.requests == [path for path in first_attempt if "opioid-treatment-program-directory" in path][:1]
    assert report.reused == len(set(first_attempt)) - 1 and report.fetched == 1
    assert SourceFile.objects.filter(source="otp_directory").exists()


def test_far_fewer_listings_than_last_time_are_refused_unless_forced(samhsa, settings):
    settings.LOCATOR_REFRESH_AFTER_IMPORT = True
    sync_samhsa()
    before = directory_state()
    everything = medication_rows(samhsa)
    kept = [row for row in samhsa.state_rows if "naltrexone" in json.dumps(row.get("services")).lower()][:1]
    samhsa.state_rows = kept
    expected = f"FindTreatment sweep: 1 listings, fewer than half of the {everything} last time"
    with pytest.raises(SyncFailed, match=expected):
        sync_samhsa()
    assert directory_state() == before
    output = io.StringIO()
    call_command("sync_samhsa", "--force", stdout=output)
    assert "forced past: FindTreatment sweep: 1 listings" in output.getvalue()
    # The complete national sweep no longer lists the others: they leave the search.
    assert SourceRecord.objects.filter(source="findtreatment", active=True).count() == 1
    # And the access metrics measure the directory that is left.
    assert "Access metrics for" in output.getvalue()
    remaining = set(Provider.objects.filter(active=True).values_list("id", flat=True))
    assert set(ZipAccess.objects.filter(medication="any").values_list("nearest", flat=True)) <= remaining


def test_pages_that_change_while_they_are_fetched_are_refused(samhsa):
    # Rows come and go between page 1 and page 2: the pages no longer add up to one answer.
    original = samhsa.rows_for

    def shifting(params):
        rows = original(params)
        return rows[1:] if params.get("page") == "2" else rows

    samhsa.rows_for = shifting
    with pytest.raises(SyncFailed, match="changed while its pages were fetched"):
        sync_samhsa()
    assert not SourceFile.objects.exists()


def test_resume_never_picks_up_a_sync_older_than_the_last_finished_one(samhsa, tmp_path):
    samhsa.faults.append(replay_server.Fault("http_500", "opioid-treatment-program-directory"))
    with pytest.raises(SyncFailed):
        sync_samhsa()
    samhsa.faults.clear()
    finished = sync_samhsa()
    samhsa.requests.clear()
    report = sync_samhsa(resume=True)
    assert report.folder not in {finished.folder} and report.reused == 0 and report.fetched == len(samhsa.requests)


@pytest.fixture
def samhsa_today(shared_data_dir, tmp_path, empty_directory, samhsa_settings):
    recorded = replay_server.Recorded.todays_shape(shared_data_dir, FIXTURES_DIR / "findtreatment_today_20251001.json")
    server, base_url = replay_server.start(recorded)
    with samhsa_settings(base_url, tmp_path):
        yield recorded
    server.shutdown()


def test_a_sync_of_todays_feed_reads_todays_wording(samhsa_today):
    report = sync_samhsa()
    assert report.imported.sources[Source.FINDTREATMENT].unknown_labels == {}
    harbor = Provider.objects.get(name__startswith="Example Harbor")
    assert harbor.is_otp and harbor.accepts_military_insurance and "veterans" in harbor.groups
    canyon = Provider.objects.get(name__startswith="Example Canyon")
    assert canyon.settings == ["detox", "residential"] and canyon.languages == ["asl"]
    prescriber = Provider.objects.get(name__startswith="Dr. Example Prescriber")
    assert (prescriber.kind, prescriber.offers_buprenorphine) == ("practitioner", True)
    rows_per_query = json.loads((report.folder / "query_rows.json").read_text())
    assert rows_per_query["BU CA"] == len(samhsa_today.rows_for({"limitType": "0", "limitValue": "23", "sCodes": "BU"}))
    assert rows_per_query["BU VA"] == 0


def test_a_state_whose_rows_vanish_is_refused_unless_forced(samhsa_today, monkeypatch):
    monkeypatch.setattr("locator.importing.sync.QUERY_ROWS_WORTH_CHECKING", 3)
    first = sync_samhsa()
    buprenorphine_rows = json.loads((first.folder / "query_rows.json").read_text())["BU CA"]
    assert buprenorphine_rows >= 3
    before = directory_state()
    # The API loses the buprenorphine answers for California; the other medications still answer.
    lost = samhsa_today.rows_for({"limitType": "0", "limitValue": "23", "sCodes": "BU"})
    samhsa_today.state_rows = [row for row in samhsa_today.state_rows if row not in lost]
    with pytest.raises(SyncFailed, match=f"FindTreatment BU CA: 0 rows, {buprenorphine_rows} last time"):
        sync_samhsa()
    assert directory_state() == before
    output = io.StringIO()
    call_command("sync_samhsa", "--force", stdout=output)
    assert f"forced past: FindTreatment BU CA: 0 rows, {buprenorphine_rows} last time" in output.getvalue()


def test_a_sync_from_before_query_counts_were_kept_is_a_baseline_through_its_first_pages(samhsa_today, monkeypatch):
    monkeypatch.setattr("locator.importing.sync.QUERY_ROWS_WORTH_CHECKING", 3)
    first = sync_samhsa()
    (first.folder / "query_rows.json").unlink()
    lost = samhsa_today.rows_for({"limitType": "0", "limitValue": "23", "sCodes": "BU"})
    samhsa_today.state_rows = [row for row in samhsa_today.state_rows if row not in lost]
    with pytest.raises(SyncFailed, match=f"FindTreatment BU CA: 0 rows, {len(lost)} last time"):
        sync_samhsa()
