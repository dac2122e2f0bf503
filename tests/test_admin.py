import pytest
from django.test import Client

from locator.importing.importer import import_files
from locator.models import Provider
from tests.conftest import FIXTURES_DIR


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("reviewer", "reviewer@example.org", "not-a-real-password")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/locator/provider/",
        "/admin/locator/provider/1/change/",
        "/admin/locator/problemreport/",
        "/admin/locator/sourcefile/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ],
)
def test_admin_needs_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_admin_login_refuses_a_cross_site_post_and_wrong_passwords(db, django_user_model):
    django_user_model.objects.create_superuser("reviewer", "reviewer@example.org", "not-a-real-password")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/admin/login/", {"username": "reviewer", "password": "not-a-real-password"}).status_code == 403
    token = browser.get("/admin/login/").cookies["csrftoken"].value
    wrong = browser.post("/admin/login/", {"username": "reviewer", "password": "guess", "csrfmiddlewaretoken": token})
    assert wrong.status_code == 200 and "_auth_user_id" not in browser.session
    assert browser.get("/admin/locator/provider/").status_code == 302


def test_admin_searches_providers_by_zip_and_filters_by_medication(staff_client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    response = staff_client.get("/admin/locator/provider/", {"q": "22903", "medication": "methadone"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [Provider.objects.get(name__startswith="Example Lantern")]


def test_admin_provider_page_shows_every_source_with_its_date_and_checksum(staff_client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    lantern = Provider.objects.get(name__startswith="Example Lantern")
    page = staff_client.get(f"/admin/locator/provider/{lantern.id}/change/").content.decode()
    assert "FindTreatment.gov locator" in page and "SAMHSA Opioid Treatment Program Directory" in page
    assert "2025-06-01" in page
    assert "otp_directory_sample_20250601.csv" in page


def test_admin_shows_merged_provider_fields_read_only_and_says_how_to_correct_them(staff_client, empty_directory):
    import_files([FIXTURES_DIR], is_sample=True)
    lantern = Provider.objects.get(name__startswith="Example Lantern")
    url = f"/admin/locator/provider/{lantern.id}/change/"
    page = staff_client.get(url).content.decode()
    assert 'name="latitude"' not in page and 'name="name"' not in page
    assert "re-import" in page
    staff_client.post(url, {"name": "Edited", "latitude": "0", "longitude": "0"})
    lantern_after = Provider.objects.get(id=lantern.id)
    assert (lantern_after.name, lantern_after.latitude, lantern_after.grid_cell) == (
        lantern.name,
        lantern.latitude,
        lantern.grid_cell,
    )
    assert staff_client.get("/admin/locator/provider/add/").status_code == 403
