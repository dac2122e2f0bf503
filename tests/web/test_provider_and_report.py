"""The provider page, its "Report a problem" form, and the about page."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from locator.models import ProblemReport, Provider
from tests.factories import make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def otp(empty_directory) -> Provider:
    return make_provider(
        name='Harbor <Light> & "Hope" OTP',
        kind="otp",
        latitude=36.15,
        longitude=-95.99,
        offers_buprenorphine=True,
        offers_methadone=True,
        is_otp=True,
        otp_certification="certified",
        phone="918-555-0100 ext. 12",
        intake_phone="918-555-0199",
        street="1 Main St",
        city="Tulsa",
        location_precision="zip_centroid",
        accepts_medicaid=True,
        services=[{"code": "OT", "label": "Type of Opioid Treatment", "values": ["Methadone maintenance"]}],
    )


def test_provider_page_shows_what_we_know_and_the_call_first_note(client, otp):
    response = client.get(f"/providers/{otp.id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Harbor &lt;Light&gt; &amp; &quot;Hope&quot; OTP</h1>" in html
    assert 'href="tel:+19185550100,12"' in html and 'href="tel:+19185550199"' in html
    assert "Call before you go." in html
    assert "Approximate location" in html
    assert "Certified opioid treatment program" in html
    assert "Type of Opioid Treatment" in html and "Methadone maintenance" in html
    assert "Medicaid" in html
    assert 'href="tel:+18006624357"' in html
    assert "Report a problem with this listing" in html


def test_provider_page_lists_every_real_source_with_its_date(client, shared_directory):
    # One OTP listed by both 2020 OTP Directory files and a practitioner or facility file.
    provider = Provider.objects.filter(active=True, is_otp=True, records__source="otp_directory").first()
    html = client.get(f"/providers/{provider.id}/").content.decode()
    assert "Where this listing comes from" in html
    assert "SAMHSA Opioid Treatment Program Directory" in html
    assert "July 2020" in html
    assert "otp_directory_20200704.xls" in html


def test_unknown_or_inactive_provider_is_a_friendly_404(client, otp):
    Provider.objects.filter(id=otp.id).update(active=False)
    for url in (f"/providers/{otp.id}/", "/providers/987654321/"):
        response = client.get(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "We could not find that page" in html and 'href="tel:+18006624357"' in html


def test_a_report_is_stored_for_review_without_anything_about_the_sender(client, otp):
    response = client.post(f"/providers/{otp.id}/report/", {"problem": "wrong_phone", "details": "Number rings a fax"})
    assert response.status_code == 302
    assert response["Location"] == f"/providers/{otp.id}/?reported=1#report"
    report = ProblemReport.objects.get()
    assert (report.provider, report.problem, report.details, report.reviewed) == (
        otp,
        "wrong_phone",
        "Number rings a fax",
        False,
    )
    assert "Thank you. Someone will review your report." in client.get(response["Location"]).content.decode()


def test_a_report_needs_a_problem(client, otp):
    response = client.post(f"/providers/{otp.id}/report/", {"details": "?"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_the_honeypot_turns_bots_away(client, otp):
    response = client.post(f"/providers/{otp.id}/report/", {"problem": "closed", "homepage": "http://spam.example"})
    assert response.status_code == 400
    assert "Please leave the last field empty." in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_cross_site_posts_are_refused(otp):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/providers/{otp.id}/report/", {"problem": "closed"})
    assert response.status_code == 403
    assert "Your report could not be sent" in response.content.decode()
    assert not ProblemReport.objects.exists()
    page = browser.get(f"/providers/{otp.id}/")
    token = page.cookies["csrftoken"].value
    response = browser.post(f"/providers/{otp.id}/report/", {"problem": "closed", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert page.cookies["csrftoken"]["max-age"] == ""


@override_settings(LOCATOR_REPORT_RATE_LIMIT="2/hour")
def test_reports_are_rate_limited_per_client(client, otp):
    for _ in range(2):
        assert client.post(f"/providers/{otp.id}/report/", {"problem": "closed"}).status_code == 302
    response = client.post(f"/providers/{otp.id}/report/", {"problem": "closed"})
    assert response.status_code == 429
    assert 3000 < int(response["Retry-After"]) <= 3600
    assert "Please try again in 60 minutes." in response.content.decode()
    assert ProblemReport.objects.count() == 2
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    assert other_client.post(f"/providers/{otp.id}/report/", {"problem": "closed"}).status_code == 302


def test_reports_show_in_the_admin_for_staff_only(client, otp):
    client.post(f"/providers/{otp.id}/report/", {"problem": "no_medication", "details": "No methadone here"})
    assert client.get("/admin/locator/problemreport/").status_code == 302
    client.force_login(User.objects.create_superuser("reviewer", password="pw-for-tests-only"))
    html = client.get("/admin/locator/problemreport/").content.decode()
    assert "It does not offer this medication" in html and "Harbor &lt;Light&gt;" in html


def test_about_page_explains_medications_data_and_privacy(client, shared_directory):
    html = client.get("/about/").content.decode()
    for text in (
        "Buprenorphine",
        "only given at opioid treatment programs (OTPs) certified by SAMHSA",
        "Naltrexone",
        "Kratom and melatonin are not approved treatments",
        "FDA",
        "We do not log or store what you search for",
        "SAMHSA Opioid Treatment Program Directory",
        "July 2020",
    ):
        assert text in html
    assert "verified" not in html.lower()


@override_settings(LOCATOR_REPORT_RATE_LIMIT="2/hour")
def test_a_client_cannot_dodge_the_report_limit_with_forwarded_for_headers(client, otp):
    statuses = [
        client.post(
            f"/providers/{otp.id}/report/", {"problem": "closed"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"
        ).status_code
        for number in range(4)
    ]
    assert statuses == [302, 302, 429, 429]


def test_pages_tell_provisional_programs_and_practitioners_by_their_codes(client, empty_directory):
    provisional = make_provider(
        name="Provisional Program",
        kind="otp",
        is_otp=True,
        offers_methadone=True,
        otp_certification="provisional",
        latitude=36.15,
        longitude=-95.99,
    )
    make_provider(name="Doctor Example", kind="practitioner", latitude=36.151, longitude=-95.99)
    results = client.get("/", {"near": "74103"}).content.decode()
    assert "Opioid treatment program, provisionally certified" in results
    assert results.count('<li class="badge">Practitioner</li>') == 1
    page = client.get(f"/providers/{provisional.id}/").content.decode()
    assert "Provisionally certified opioid treatment program" in page
