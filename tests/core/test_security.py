"""NFR-5: security headers, HTTPS settings, anonymous refusal, Argon2, login throttling."""

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import override_settings
from django.urls import reverse

from qiao import settings as project_settings
from tests.factories import PASSWORD, OrganizationFactory


def test_passwords_are_hashed_with_argon2(db, settings):
    """NFR-5, with the project's own hashers (the suite runs with a fast one, tests/conftest.py)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert get_hasher().algorithm == "argon2"
    admin = OrganizationFactory(with_departments=False).employees.get()
    assert admin.password.startswith("argon2$")
    assert admin.check_password(PASSWORD)


def test_security_headers_on_every_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000)
def test_https_redirect_and_hsts(client, db):
    assert client.get(reverse("login")).status_code == 301
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("path", ["/", "/org/employees/", "/org/departments/", "/system/", "/api/docs/", "/admin/"])
def test_pages_send_anonymous_visitors_to_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("path", ["/api/v1/users/", "/api/v1/departments/", "/api/schema/", "/api/v1/"])
def test_the_api_refuses_anonymous_access(client, db, path):
    assert client.get(path).status_code in {401, 403}


def test_an_org_admin_is_not_a_platform_operator(client, admin_user):
    """The Django admin is for platform superusers; organization admins are not let in."""
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_login_lockout_after_repeated_failures(client, admin_user):
    with override_settings(AXES_ENABLED=True):
        for _ in range(5):
            client.post(reverse("login"), {"username": admin_user.username, "password": "wrong"})
        response = client.post(reverse("login"), {"username": admin_user.username, "password": PASSWORD})
        assert response.status_code == 429
        assert "15" in response.content.decode()
