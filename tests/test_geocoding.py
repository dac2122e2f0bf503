"""The optional online geocoder, against a local server speaking Nominatim's protocol (no network)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command

from locator.geocoding import configured_geocoder
from locator.importing.importer import import_files
from locator.importing.placing import upgrade_approximate_locations
from locator.models import GeocodedAddress, Provider, SourceRecord
from tests.conftest import FIXTURES_DIR

KNOWN_ADDRESSES = {"300 Fictional Lane, Charlottesville, VA 22901": ("38.0610", "-78.4900")}


class NominatimReplay(BaseHTTPRequestHandler):
    queries: list[str] = []

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        type(self).queries.append(query)
        found = KNOWN_ADDRESSES.get(query)
        body = json.dumps(
            [{"lat": found[0], "lon": found[1], "display_name": query, "place_id": 1}] if found else []
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nominatim(settings):
    NominatimReplay.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), NominatimReplay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LOCATOR_GEOCODER = "nominatim"
    settings.LOCATOR_GEOCODER_OPTIONS = {
        "user_agent": "mat-locator-tests",
        "domain": f"127.0.0.1:{server.server_port}",
        "scheme": "http",
    }
    settings.LOCATOR_GEOCODER_MIN_DELAY_SECONDS = 0
    yield NominatimReplay
    server.shutdown()
    server.server_close()


def test_geocoding_upgrades_zip_centroids_to_address_precision_and_never_asks_twice(empty_directory, nominatim):
    import_files([FIXTURES_DIR / "Physician_Locator_sample_20250601_VA.csv"])
    geocoder = configured_geocoder()
    report = upgrade_approximate_locations(geocoder, limit=10)
    # Only the street is looked up: a P.O. box is nowhere to go, and is never sent to the geocoder.
    assert (report.looked_up, report.upgraded, report.not_found) == (1, 1, 0)
    practitioner = Provider.objects.get(name="Dr. Sample Practitioner-One")
    assert practitioner.location_precision == "address"
    assert (practitioner.latitude, practitioner.longitude) == (38.061, -78.49)
    assert Provider.objects.get(name="Example Clinician-Two").location_precision == "city_centroid"
    assert GeocodedAddress.objects.count() == 1
    upgrade_approximate_locations(geocoder, limit=10)
    assert len(nominatim.queries) == 1


def test_a_reimport_keeps_geocoded_coordinates_from_the_cache(empty_directory, nominatim):
    path = FIXTURES_DIR / "Physician_Locator_sample_20250601_VA.csv"
    import_files([path])
    upgrade_approximate_locations(configured_geocoder(), limit=10)
    report = import_files([path])
    assert sum(source.updated for source in report.sources.values()) == 0
    assert SourceRecord.objects.filter(location_precision="address").count() == 1


def test_geocode_limit_caps_the_addresses_sent(empty_directory, nominatim):
    import_files([FIXTURES_DIR / "Physician_Locator_sample_20250601_VA.csv"])
    call_command("geocode_addresses", "--limit", "1", stdout=open("/dev/null", "w"))
    assert len(nominatim.queries) == 1


def test_geocode_command_explains_when_no_geocoder_is_configured(db, settings):
    settings.LOCATOR_GEOCODER = ""
    with pytest.raises(CommandError, match="LOCATOR_GEOCODER"):
        call_command("geocode_addresses")
