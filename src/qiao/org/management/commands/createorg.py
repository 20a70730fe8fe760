from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qiao.org.services import organization_create


class Command(BaseCommand):
    help = "Create an organization with its root department and an administrator (SPEC API-6)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the organization's name")
        parser.add_argument("--admin", required=True, help="the administrator's username")
        parser.add_argument("--password", required=True, help="the administrator's password")
        parser.add_argument("--full-name", default="", help="the administrator's full name")

    def handle(self, *args, name, admin, password, full_name, **options):
        try:
            organization, user = organization_create(
                name=name, admin_username=admin, admin_password=password, admin_full_name=full_name
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Created “{organization}” with administrator “{user.username}”."))
