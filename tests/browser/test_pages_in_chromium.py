"""A person's searches in headless Chromium: by ZIP, city and location, filters, a provider, a report,
Spanish, the keyboard alone, no JavaScript, no third-party requests, and axe-core on every page type."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from locator import access
from tests.browser.conftest import REVIEWER
from tests.conftest import PROJECT_DIR

# The test database must exist for the live server; each test's own writes (reports) are rolled back
# where the server shares this process's connection (in-memory SQLite) and deleted after the session otherwise.
pytestmark = pytest.mark.django_db

ARTIFACTS = PROJECT_DIR / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TULSA = {"latitude": 36.154, "longitude": -95.993}
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4"
    "0000000049454e44ae426082"
)


def search(page: Page, place: str) -> None:
    page.goto("/")
    page.get_by_label("ZIP code, city or address").fill(place)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()


def result_items(page: Page, list_name: str = "programs"):
    """The results of one list: "programs" or "prescribers"."""
    return page.locator(f".result-group.{list_name} ol.result-list > li")


def test_search_by_zip_lists_the_nearest_providers(page: Page):
    search(page, "74103")
    expect(page.locator("#results-heading")).to_contain_text("providers within 25 miles of Tulsa, OK 74103")
    expect(result_items(page, "programs")).to_have_count(4)
    expect(result_items(page, "prescribers")).to_have_count(10)
    for list_name in ("programs", "prescribers"):
        # "1.2 miles", "about 3 miles (center of ZIP 74106)", or "in ZIP 74103" where the search was.
        distances = [
            float(found.group(1)) if (found := re.match(r"(?:about )?([\d.]+)", text)) else 0.0
            for text in result_items(page, list_name).locator(".distance strong").all_inner_texts()
        ]
        assert distances == sorted(distances), list_name
    assert "near=74103" in page.url


def test_search_by_city(page: Page):
    search(page, "Bangor, ME")
    expect(page.locator("#results-heading")).to_contain_text("of Bangor, ME")
    expect(result_items(page).first.locator("a[href^='tel:']").first).to_be_visible()


def test_use_my_location(browser, live_url):
    context = browser.new_context(base_url=live_url, geolocation=TULSA, permissions=["geolocation"])
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r"lat=36\.154&lng=-95\.993"))
    expect(page.locator("#results-heading")).to_contain_text("of your location")
    expect(result_items(page, "prescribers")).to_have_count(10)
    context.close()


def test_filter_by_methadone(page: Page):
    page.goto("/")
    page.get_by_label("ZIP code, city or address").fill("Baltimore, MD")
    page.get_by_label("Methadone").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(result_items(page)).to_have_count(10)
    for item in result_items(page).all():
        expect(item.locator(".badge.medication", has_text="Methadone")).to_have_count(1)


def test_open_a_provider_report_a_problem_and_find_it_in_the_admin(page: Page):
    search(page, "74103")
    first = result_items(page).first.locator("h4 a")
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.get_by_text("Call before you go.", exact=True)).to_be_visible()
    expect(page.locator("table.sources")).to_contain_text("2020")
    page.get_by_label("The phone number is wrong").check()
    page.get_by_label("Details (optional)").fill("The number on the listing rings a fax machine.")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    page.goto("/admin/locator/problemreport/")
    page.get_by_label("Username").fill(REVIEWER[0])
    page.get_by_label("Password").fill(REVIEWER[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#result_list")).to_contain_text(name)
    expect(page.locator("#result_list")).to_contain_text("The phone number is wrong")


def test_switch_to_spanish_and_back_keeps_the_search(page: Page):
    search(page, "Tulsa, OK")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#results-heading")).to_contain_text("proveedores a menos de 25 millas de Tulsa, OK")
    expect(page.get_by_label("Código postal, ciudad o dirección")).to_have_value("Tulsa, OK")
    expect(page.get_by_role("link", name="Llame al 911")).to_be_visible()
    result_items(page).first.locator("h4 a").click()
    expect(page.get_by_text("Llame antes de ir.", exact=True)).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#results-heading")).to_contain_text("providers within 25 miles of Tulsa, OK")


def test_spanish_browsers_get_spanish_pages(browser, live_url):
    context = browser.new_context(base_url=live_url, locale="es-US", extra_http_headers={"Accept-Language": "es-US,es"})
    page = context.new_page()
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Encuentre medicamentos")
    context.close()


def test_keyboard_only_search_and_follow_a_result(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_near":
            break
    expect(page.get_by_label("ZIP code, city or address")).to_be_focused()
    page.keyboard.type("74103")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"near=74103"))
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('ol.result-list') !== null"):
            break
    focused = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(focused)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none" or page.evaluate("document.activeElement === document.body")


def test_the_page_works_without_javascript(browser, live_url):
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    page = context.new_page()
    search(page, "74103")
    expect(result_items(page, "prescribers")).to_have_count(10)
    expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
    expect(page.get_by_role("button", name="Show map")).to_be_hidden()
    page.get_by_role("navigation", name="Pages of prescribers").get_by_role("link", name="Next").click()
    expect(page.locator(".prescribers ol.result-list")).to_have_attribute("start", "11")
    expect(result_items(page, "programs")).to_have_count(4)
    context.close()


def test_no_third_party_request_until_the_map_is_asked_for(page: Page, live_url):
    own_host = urlsplit(live_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    tiles: list[str] = []

    def fake_tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=ONE_PIXEL_PNG)

    page.route("https://tile.openstreetmap.org/**", fake_tile)
    search(page, "74103")
    assert not page.context.cookies()
    first_provider = result_items(page).first.locator("h4 a").get_attribute("href")
    page.goto(first_provider)
    page.goto("/about/")
    page.go_back()
    page.go_back()
    assert {urlsplit(url).netloc for url in requested} == {own_host}
    # Only the provider page's report form sets a cookie: its CSRF token, for this browser session.
    assert [(cookie["name"], cookie["expires"]) for cookie in page.context.cookies()] == [("csrftoken", -1)]
    page.get_by_role("button", name="Show map").click()
    # Both lists on the map: Tulsa's 4 programs and the first 10 prescribers, told apart.
    expect(page.locator(".leaflet-marker-icon.programs")).to_have_count(4)
    expect(page.locator(".leaflet-marker-icon.prescribers")).to_have_count(10)
    expect(page.locator(".leaflet-marker-icon.prescribers").first).to_have_attribute(
        "title", re.compile(r"^Prescriber 1\. ")
    )
    expect(page.get_by_role("button", name="Hide map")).to_have_attribute("aria-expanded", "true")
    assert tiles and all(urlsplit(url).netloc == "tile.openstreetmap.org" for url in tiles)


def test_the_access_map_shows_every_zip_code_of_the_state_only_when_asked(page: Page, live_url):
    own_host = urlsplit(live_url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=ONE_PIXEL_PNG),
    )
    page.goto("/access/?state=RI&medication=methadone")
    expect(page.locator("#counties-heading")).to_be_visible()
    assert {urlsplit(url).netloc for url in requested} == {own_host}
    expect(page.locator("#access-map-legend")).to_be_hidden()
    page.get_by_role("button", name="Show map").click()
    zip_codes = {row.zip_code for row in access.state_access("RI")}
    expect(page.locator(".zip-point")).to_have_count(len(zip_codes))
    expect(page.locator("#access-map-legend")).to_contain_text("More than 50 miles")
    assert {urlsplit(url).netloc for url in requested} == {own_host, "tile.openstreetmap.org"}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?near=74103",
        "/?near=Tusla%2C+OK",
        "/?near=99950&radius=5&medication=methadone",
        "/?near=74103&payment=medicaid",
        "/?near=74103&payment=medicaid&unstated=1",
        "/?near=123+Main+St+Springfield+IL",
        "PROVIDER",
        "/about/",
        "/access/?state=OK",
    ],
)
@pytest.mark.parametrize(("width", "height"), [(360, 800), (1280, 900)])
def test_axe_finds_no_violations(browser, live_url, path: str, language: str, width: int, height: int):
    context = browser.new_context(base_url=live_url, viewport={"width": width, "height": height})
    page = context.new_page()
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    if path == "PROVIDER":
        page.goto("/?near=74103&medication=methadone")
        path = result_items(page).first.locator("h4 a").get_attribute("href")
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{name}-{language}-{width}px.png"), full_page=True)
    context.close()


def test_screenshots_of_a_results_page(browser, live_url):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (360, 1280):
        context = browser.new_context(base_url=live_url, viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto("/?near=74103")
        path = ARTIFACTS / f"results-{width}px.png"
        page.screenshot(path=str(path), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert Path(path).stat().st_size > 10_000
        context.close()


@pytest.mark.parametrize(("width", "height"), [(360, 800), (1280, 900)])
@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("/?near=74103&medication=methadone", "results"),
        ("/?near=74103", "programs and prescribers"),
        ("/?near=99950&radius=5&medication=methadone", "nothing within"),
        ("/?near=Tusla", "not found"),
    ],
)
def test_after_a_search_the_answer_is_on_the_first_screen(browser, live_url, width, height, path, answer):
    context = browser.new_context(base_url=live_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(path)
    if answer == "not found":
        first = page.locator("#location-error-heading")
        expect(page).to_have_title(re.compile("We could not find"))
        expect(first).to_be_focused()
    else:
        first = result_items(page).first.locator("h4 a")
        expect(page.locator("#results-heading")).to_be_focused()
        expect(page).to_have_title(re.compile("providers? near|No providers within"))
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, f"{answer} at {width}: {box}"
    if answer == "programs and prescribers" and width >= 960:
        # Side by side where there is room: the nearest prescriber too, without scrolling.
        prescriber = result_items(page, "prescribers").first.locator("h4 a").bounding_box()
        assert prescriber is not None and prescriber["y"] + prescriber["height"] <= height, prescriber
    expect(page.locator("details.change-search")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"first-screen-{answer.replace(' ', '-')}-{width}px.png"))
    context.close()


def test_the_api_docs_make_no_request_to_another_host(page: Page, live_url):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("/api/v1/providers/", exact=True).first).to_be_visible()
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(live_url).netloc}


def test_a_printed_results_page_keeps_names_addresses_phones_and_distances(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/?near=74103")
    page.emulate_media(media="print")
    first = result_items(page).first
    expect(first.locator("h4")).to_be_visible()
    expect(first.locator("address")).to_be_visible()
    expect(first.locator(".distance")).to_be_visible()
    expect(first.locator("a.call").first).to_be_visible()
    expect(page.locator("details.change-search")).to_be_hidden()
    expect(page.get_by_text("1-800-662-4357").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "results-printed.pdf"))
    # Ten results on one or two pages.
    assert 1 <= len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 2
    context.close()


def test_copy_link_puts_the_search_on_the_clipboard(browser, live_url):
    context = browser.new_context(base_url=live_url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/?near=74103&medication=methadone")
    page.get_by_role("button", name="Copy link to this search").click()
    expect(page.locator("#copy-status")).to_have_text(re.compile("Link copied"))
    assert page.evaluate("navigator.clipboard.readText()").endswith("/?near=74103&medication=methadone")
    context.close()
