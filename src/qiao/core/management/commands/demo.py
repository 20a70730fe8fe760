from django.core.management.base import BaseCommand
from django.db import transaction

from qiao.core import demo, permissions
from qiao.org.demo import DEMO_PASSWORD, demo_logins
from qiao.org.models import Organization
from qiao.org.services import organization_create

DEMO_ORGANIZATION = "华东精品商贸有限公司"
DEMO_ADMIN = "admin"


class Command(BaseCommand):
    help = "Load the demo organization: a distributor with its departments, people and data (SPEC API-6)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo organization and load it again")

    def handle(self, *args, reset, **options):
        existing = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
        if existing and reset:
            self._delete(existing)
            existing = None
        if existing:
            self.stdout.write(f"The demo organization “{DEMO_ORGANIZATION}” is already loaded.")
        else:
            self._load()
        self._print_logins(Organization.objects.get(name=DEMO_ORGANIZATION))

    @transaction.atomic
    def _load(self):
        self.stdout.write(f"Loading the demo organization “{DEMO_ORGANIZATION}” …")
        organization, admin = organization_create(
            name=DEMO_ORGANIZATION,
            admin_username=DEMO_ADMIN,
            admin_password=DEMO_PASSWORD,
            admin_full_name="系统管理员",
        )
        rng = demo.rng()
        for loader in demo.loaders():
            loader.load(organization, admin, rng, self.stdout)

    @transaction.atomic
    def _delete(self, organization):
        # Records protect their owners and employees their departments: remove the records, then
        # the people, then the tree; the rest goes with the organization.
        for kind in permissions.object_types():
            kind.model.all_objects.filter(org=organization).delete()
        for loader in demo.loaders():
            if loader.unload is not None:
                loader.unload(organization)
        organization.employees.all().delete()
        organization.departments.all().delete()
        organization.delete()

    def _print_logins(self, organization):
        rows = [(DEMO_ADMIN, DEMO_PASSWORD, "系统管理员", "CRM supervisor · all data")]
        rows += demo_logins(organization)
        self.stdout.write(self.style.SUCCESS("\nDemo logins (http://127.0.0.1:8000/):"))
        for username, password, name, what in rows:
            self.stdout.write(f"  {username:<16} {password:<16} {name}  ({what})")
