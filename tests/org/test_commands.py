"""API-6: `qiao createorg` and `qiao demo`."""

import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from qiao.core import demo, permissions
from qiao.core.management.commands.demo import DEMO_ADMIN, DEMO_ORGANIZATION
from qiao.customers.models import Customer
from qiao.org.demo import DEMO_PASSWORD
from qiao.org.models import Department, Organization, User


@pytest.mark.django_db
def test_createorg_makes_a_usable_organization(capsys):
    call_command("createorg", "杭州西湖茶叶有限公司", "--admin", "chayeadmin", "--password", "Long-enough-9")
    organization = Organization.objects.get(name="杭州西湖茶叶有限公司")
    admin = User.objects.get(username="chayeadmin")
    assert admin.org == organization and admin.department == organization.root_department
    assert admin.check_password("Long-enough-9")
    assert all(admin.has_code(code.code) for code in permissions.all_codes())
    assert "chayeadmin" in capsys.readouterr().out


@pytest.mark.django_db
def test_createorg_explains_what_is_wrong():
    with pytest.raises(CommandError, match="password"):
        call_command("createorg", "某公司", "--admin", "someone", "--password", "123")
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_demo_loads_a_distributor_and_is_idempotent(capsys, monkeypatch):
    call_command("demo")
    organization = Organization.objects.get(name=DEMO_ORGANIZATION)
    departments = Department.objects.filter(org=organization)
    names = set(departments.values_list("name", flat=True))
    assert {"销售中心", "华东大区", "客户服务中心", "财务部"} <= names
    assert departments.filter(depth=4).exists()  # head office → sales centre → region → team
    employees = User.objects.filter(org=organization)
    assert employees.count() > 50
    assert all("\u4e00" <= employee.full_name[0] <= "\u9fff" for employee in employees)
    output = capsys.readouterr().out
    assert DEMO_ADMIN in output and DEMO_PASSWORD in output
    assert User.objects.get(username=DEMO_ADMIN).check_password(DEMO_PASSWORD)

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    readme_logins = re.findall(r"^\| `(\w+)` \|", readme, re.M)
    assert len(readme_logins) >= 4
    for username in readme_logins:  # the README's login table stays true to the demo
        assert User.objects.get(username=username, org=organization).check_password(DEMO_PASSWORD)

    # The demo's customers were linked to their tags and colleagues after their creation; the
    # creation's history holds them, so a first edit shows only what it changed.
    tagged = Customer.objects.filter(org=organization, tags__isnull=False).first()
    assert set(tagged.history.earliest("history_id").tags.values_list("tag_id", flat=True)) == set(
        tagged.tags.values_list("pk", flat=True)
    )

    call_command("demo")
    assert User.objects.filter(org=organization).count() == employees.count()
    # --reset deletes everything the demo loaded, then loads again. The loaders ran above; the
    # second time they load nothing (their unloading still runs), so what is left proves the deletion.
    loaders = demo.loaders()
    monkeypatch.setattr(demo, "loaders", lambda: [replace(loader, load=lambda *_: None) for loader in loaders])
    call_command("demo", "--reset")
    assert Organization.objects.filter(name=DEMO_ORGANIZATION).count() == 1
    assert not any(kind.model.all_objects.exists() for kind in permissions.object_types())
