"""The test contract every object type's tests inherit (DESIGN: inherited test contracts): list,
detail, create, edit, delete through the API and the pages, each also under a constrained scope —
out of scope is 404, visible but not permitted is 403 and changes nothing — and a query budget on
lists. A coverage test fails when a registered object type has no contract subclass.

A subclass names the model, the API path, the pages' URL namespace (or None), a payload that
creates a valid record, and how to make a record owned by a given employee."""

import json

import pytest
from django.urls import resolve, reverse
from rest_framework import serializers
from rest_framework.test import APIClient, APIRequestFactory

from qiao.core.viewsets import FastReadSerializer


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class ObjectTypeContract:
    model = None
    api_path = ""  # e.g. "/api/v1/customers/"
    page_namespace: str | None = None  # e.g. "customers"
    # A fixed number, not one per row: the roles, a view rule's settings (the pool's), the count
    # (one statement for all of the scope's relations, permissions/condition.py) and the page with
    # its linked ids (core/viewsets.py). Measured 3–4 for every type.
    list_query_budget = 6

    def valid_payload(self, organization, owner) -> dict:
        raise NotImplementedError

    def make_record(self, organization, owner):
        raise NotImplementedError

    def changed_payload(self) -> dict:
        raise NotImplementedError

    @pytest.fixture
    def world(self, db):
        """An owner who edits their own records, a colleague who only views them, an outsider who
        sees nothing of them, and one record of the owner's."""
        from tests.factories import OrganizationFactory
        from tests.permissions_helpers import employee, role

        organization = OrganizationFactory()
        rep = role(
            organization,
            "代表",
            view="owner_department",
            edit="owner",
            delete="owner",
            activity={"view": "owner_department", "edit": "owner", "delete": "owner"},
        )
        outsider_role = role(organization, "无", view="none", activity={"view": "none"})
        owner = employee(organization, "销售部", rep)
        world = {
            "organization": organization,
            "owner": owner,
            "colleague": employee(organization, "销售部", rep),
            "outsider": employee(organization, "客服部", outsider_role),
        }
        world["record"] = self.make_record(organization, owner)
        return world

    # --- API -------------------------------------------------------------------------------------

    def test_contract_api_list_and_detail(self, world):
        api = client_for(world["owner"])
        listed = [row["id"] for row in api.get(self.api_path).json()["results"]]
        assert world["record"].pk in listed
        assert api.get(f"{self.api_path}{world['record'].pk}/").status_code == 200

    def test_contract_api_create(self, world):
        response = client_for(world["owner"]).post(
            self.api_path, self.valid_payload(world["organization"], world["owner"]), format="json"
        )
        assert response.status_code == 201, response.json()
        assert self.model.objects.filter(pk=response.json()["id"], org=world["organization"]).exists()

    def test_contract_api_edit_and_delete(self, world):
        api, record = client_for(world["owner"]), world["record"]
        response = api.patch(f"{self.api_path}{record.pk}/", self.changed_payload(), format="json")
        assert response.status_code == 200, response.json()
        assert api.delete(f"{self.api_path}{record.pk}/").status_code == 204
        assert not self.model.objects.filter(pk=record.pk).exists()
        assert self.model.all_objects.filter(pk=record.pk, deleted_at__isnull=False).exists()

    def test_contract_api_out_of_scope_is_404_and_unchanged(self, world):
        api, record = client_for(world["outsider"]), world["record"]
        assert record.pk not in [row["id"] for row in api.get(self.api_path).json()["results"]]
        assert api.get(f"{self.api_path}{record.pk}/").status_code == 404
        assert api.patch(f"{self.api_path}{record.pk}/", self.changed_payload(), format="json").status_code == 404
        assert api.delete(f"{self.api_path}{record.pk}/").status_code == 404
        assert self.model.objects.get(pk=record.pk).version == record.version

    def test_contract_api_visible_but_not_permitted_is_403_and_unchanged(self, world):
        api, record = client_for(world["colleague"]), world["record"]
        assert api.get(f"{self.api_path}{record.pk}/").status_code == 200
        assert api.patch(f"{self.api_path}{record.pk}/", self.changed_payload(), format="json").status_code == 403
        assert api.delete(f"{self.api_path}{record.pk}/").status_code == 403
        assert self.model.objects.get(pk=record.pk).version == record.version

    def test_contract_api_reads_exactly_what_drf_would(self, world, monkeypatch):
        """The list and detail answers (FastReadSerializer) equal DRF's own ModelSerializer output
        for a record with related employees (and departments, where the type has them)."""
        record, owner = world["record"], world["owner"]
        record.related_users.add(world["colleague"])
        if hasattr(record, "related_departments"):
            record.related_departments.add(owner.department)
        api = client_for(owner)
        listed = {row["id"]: row for row in api.get(self.api_path).json()["results"]}[record.pk]
        detail = api.get(f"{self.api_path}{record.pk}/").json()

        request = APIRequestFactory().get(self.api_path)
        request.user = owner
        serializer = resolve(self.api_path).func.cls.serializer_class(context={"request": request})
        fresh = type(record).objects.get(pk=record.pk)
        # The reference: the same serializer (its own overrides included) reading fields DRF's way.
        monkeypatch.setattr(FastReadSerializer, "to_representation", serializers.Serializer.to_representation)
        expected = json.loads(json.dumps(serializer.to_representation(fresh), default=str))
        assert expected["related_users"] == [world["colleague"].pk]
        for answer in (listed, detail):
            assert _sorted_lists(answer) == _sorted_lists(expected)

    def test_contract_api_an_edit_answers_with_the_links_as_saved(self, world):
        api, record, colleague = client_for(world["owner"]), world["record"], world["colleague"]
        path = f"{self.api_path}{record.pk}/"
        assert api.get(path).json()["related_users"] == []
        linked = api.patch(path, {"related_users": [colleague.pk]}, format="json")
        assert linked.status_code == 200, linked.json()
        assert linked.json()["related_users"] == [colleague.pk]
        assert api.patch(path, {"related_users": []}, format="json").json()["related_users"] == []

    def test_contract_api_list_query_budget(self, world, django_assert_max_num_queries):
        for _ in range(30):
            self.make_record(world["organization"], world["owner"])
        with django_assert_max_num_queries(self.list_query_budget):
            assert client_for(world["owner"]).get(f"{self.api_path}?page_size=50").status_code == 200

    # --- pages -----------------------------------------------------------------------------------

    def page(self, name: str, *args) -> str:
        return reverse(f"{self.page_namespace}:{name}", args=args)

    def test_contract_pages(self, world, client):
        if self.page_namespace is None:
            pytest.skip("this object type has no pages of its own yet")
        record = world["record"]
        client.force_login(world["owner"])
        assert str(record) in client.get(self.page("list")).content.decode()
        assert client.get(self.page("detail", record.pk)).status_code == 200
        assert client.get(self.page("edit", record.pk)).status_code == 200
        client.force_login(world["outsider"])
        assert str(record) not in client.get(self.page("list")).content.decode()
        for name in ("detail", "edit", "delete"):
            assert client.get(self.page(name, record.pk)).status_code == 404
        client.force_login(world["colleague"])
        assert client.get(self.page("edit", record.pk)).status_code == 403
        assert client.post(self.page("delete", record.pk)).status_code == 403
        assert self.model.objects.filter(pk=record.pk).exists()

    def test_contract_export_holds_only_visible_records(self, world, client):
        if self.page_namespace is None:
            pytest.skip("this object type has no pages of its own yet")
        import io

        import openpyxl

        record = world["record"]
        client.force_login(world["owner"])
        response = client.get(self.page("list"), {"export": "xlsx"})
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
        assert str(record) in cells
        client.force_login(world["outsider"])
        csv_text = client.get(self.page("list"), {"export": "csv"}).content.decode("utf-8-sig")
        assert str(record) not in csv_text

    def test_contract_page_list_query_budget(self, world, client, django_assert_max_num_queries):
        if self.page_namespace is None:
            pytest.skip("this object type has no pages of its own yet")
        for _ in range(30):
            self.make_record(world["organization"], world["owner"])
        client.force_login(world["owner"])
        with django_assert_max_num_queries(self.list_query_budget + 8):
            assert client.get(self.page("list")).status_code == 200


def _sorted_lists(representation: dict) -> dict:
    """Many-to-many ids in one order: DRF lists them in the related model's ordering."""
    return {name: sorted(value) if isinstance(value, list) else value for name, value in representation.items()}
