"""The filters today's FindTreatment.gov offers, in the API and on the search page: settings, programs
for groups of people, ages and languages, on fictitious listings worded as SAMHSA words them in 2025."""

import pytest
import yaml

from locator.importing.importer import import_files
from locator.vocabulary import Age, Group, Language, Setting
from tests.conftest import FIXTURES_DIR

LIST = "/api/v1/providers/"
NEAR_LOS_ANGELES = {"near": "90012", "radius": "50"}


@pytest.fixture
def todays_listings(empty_directory):
    import_files([FIXTURES_DIR / "findtreatment_today_20251001.json"], is_sample=True)


def search(client, **params) -> list[dict]:
    response = client.get(LIST, NEAR_LOS_ANGELES | params)
    assert response.status_code == 200, response.content[:300]
    return [result for result in response.json()["results"] if result["within_radius"]]


@pytest.mark.parametrize(
    ("params", "holds"),
    [
        ({"setting": "residential"}, lambda result: "residential" in result["settings"]),
        ({"group": "veterans"}, lambda result: "veterans" in result["groups"]),
        ({"group": "pregnant_postpartum"}, lambda result: "pregnant_postpartum" in result["groups"]),
        ({"age": "young_adults"}, lambda result: "young_adults" in result["ages"]),
        ({"language": "asl"}, lambda result: "asl" in result["languages"]),
        ({"payment": "military"}, lambda result: "military" in result["payment"]),
        ({"otp": "true"}, lambda result: result["is_otp"]),
    ],
)
def test_each_new_filter_finds_the_listings_that_state_it_and_only_those(client, todays_listings, params, holds):
    results = search(client, **params)
    assert results
    assert all(holds(result) for result in results)
    everything = search(client, page_size="100")
    assert len(results) == sum(holds(result) for result in everything)


def test_several_values_mean_any_and_different_filters_all(client, todays_listings):
    def names(**params):
        return {result["name"] for result in search(client, **params)}

    veterans, adolescents = names(group="veterans"), names(group="adolescents")
    assert veterans and adolescents and not veterans & adolescents
    assert names(group="veterans,adolescents") == veterans | adolescents
    assert names(language=["hmn", "ko"]) == names(language="hmn") | names(language="ko")
    assert names(group="veterans", setting="residential") == {"Example Canyon Residential Recovery (sample)"}
    assert names(setting="detox", medication="methadone") == {"Example Harbor Opioid Treatment Program (sample)"}


def test_a_provider_carries_its_codes(client, todays_listings):
    [harbor] = [result for result in search(client, otp="true") if result["name"].startswith("Example Harbor")]
    assert harbor["settings"] == ["detox", "intensive_outpatient", "outpatient"]
    assert harbor["groups"] == ["pregnant_postpartum", "veterans"]
    assert harbor["languages"] == ["asl", "es", "ht", "vi", "zh"]
    [eastside] = [result for result in search(client) if result["name"].startswith("Example Eastside")]
    assert eastside["moud_medication_not_named"] and not eastside["offers_buprenorphine"]


def test_an_unknown_code_is_refused_with_the_known_ones(client, todays_listings):
    response = client.get(LIST, NEAR_LOS_ANGELES | {"group": "veterans,pilots"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "group" and "pregnant_postpartum" in error["message"]


def test_the_schema_lists_every_value_of_the_new_filters(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    parameters = {parameter["name"]: parameter for parameter in schema["paths"][LIST]["get"]["parameters"]}
    for name, vocabulary in (("setting", Setting), ("group", Group), ("age", Age), ("language", Language)):
        assert parameters[name]["schema"]["items"]["enum"] == list(vocabulary.values), name


def test_the_search_page_offers_the_new_filters_and_applies_them(client, todays_listings):
    page = client.get("/", {"near": "90012", "radius": "50", "setting": "residential", "language": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Example Canyon Residential Recovery" in html and "Example Harbor" not in html
    assert '<details class="more-filters" open>' in html
    assert 'value="residential" checked' in html.replace(' id="id_setting_2"', "")
    assert '<option value="hmn">Hmong</option>' in html
    spanish = client.get("/", {"lang": "es"}).content.decode()
    assert "Tipo de atención" in spanish and "Lengua de señas" in spanish


def test_the_provider_page_says_not_stated_where_samhsa_said_nothing(client, todays_listings):
    from locator.models import Provider

    mobile = Provider.objects.filter(name__startswith="Example Mobile").first()
    html = client.get(f"/providers/{mobile.id}/").content.decode()
    assert html.count("Not stated") == 4
    harbor = Provider.objects.get(name__startswith="Example Harbor")
    html = client.get(f"/providers/{harbor.id}/").content.decode()
    assert "Detox (withdrawal management), Intensive outpatient, Outpatient" in html
