import os

import kombu.pools
import pytest
from django.test.utils import override_settings
from django.utils import translation
from rest_framework.test import APIClient

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from qiao.org.models import Department
from tests.factories import EmployeeFactory, OrganizationFactory


@pytest.fixture(autouse=True, scope="session")
def _test_settings():
    """Tests render pages without running collectstatic first: static URLs come unhashed and the
    live server serves them from the apps' folders."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # The suite logs in hundreds of times from one address; lockout has its own test.
        AXES_ENABLED=False,
        # Argon2 takes 0.2 s per hash and per login on purpose, and the suite makes an administrator
        # for nearly every test; the project's hashers have their own test (test_security.py).
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The test client and the live server speak plain HTTP; the HTTPS settings have their own test.
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (LANGUAGE_CODE). LocaleMiddleware activates
    the language of each request in the thread and leaves it active, so without this a page asked
    for in English would change the language of the next test's messages."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def english():
    """Messages in English for the whole test, for tests that check what a message says. Services
    translate when they run (and history change reasons when they are written), so the test body
    runs inside the override; a page request still picks its own language (HTTP_ACCEPT_LANGUAGE)."""
    with translation.override("en"):
        yield


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def admin_user(organization):
    """The organization's administrator, as `qiao createorg` makes it."""
    return organization.employees.get(username__startswith="admin")


@pytest.fixture
def employee(organization):
    return EmployeeFactory(org=organization, department=Department.objects.get(org=organization, name="客服部"))


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="另一家公司")


def api_client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin_api(admin_user):
    return api_client_for(admin_user)


@pytest.fixture
def employee_api(employee):
    return api_client_for(employee)


@pytest.fixture
def celery_conf():
    """Changes to the Celery app's configuration for one test, undone afterwards."""
    from qiao.celery import app

    saved = {}

    def forget_connections():
        # The app and kombu cache broker connections by URL; new transport options need new ones.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, app.conf.get(key))
            app.conf[key] = value
        forget_connections()

    yield change
    for key, value in saved.items():
        app.conf[key] = value
    forget_connections()
