"""FastReadSerializer (core/viewsets.py): prepared readers give DRF's output, and readers kept
between requests never carry one request's language or context into another."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from rest_framework import serializers

from qiao.core.viewsets import FastReadSerializer, choice_label, linked_values
from qiao.customers.models import Customer
from tests.permissions_helpers import customer, employee, role

pytestmark = pytest.mark.django_db


class SizeSerializer(FastReadSerializer):
    size_display = choice_label(Customer, "size")

    class Meta:
        model = Customer
        fields = ["id", "name", "size", "size_display", "owner", "related_users"]


class AskedBySerializer(FastReadSerializer):
    asked_by = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["id", "asked_by"]

    def get_asked_by(self, record):
        return self.context["who"]


@pytest.fixture
def shop(organization):
    rep = employee(organization, "销售部", role(organization, "代表", view="all"))
    return customer(organization, name="宁波四季超市", owner=rep, size="large", related_users=[rep])


def test_labels_follow_each_requests_language_though_the_readers_are_kept(shop):
    with translation.override("en"):
        english = SizeSerializer(shop).data
    with translation.override("zh-hans"):
        chinese = SizeSerializer(shop).data
    assert english["size_display"] == "Large"
    assert chinese["size_display"] not in ("Large", "")
    assert {key: value for key, value in english.items() if key != "size_display"} == {
        "id": shop.pk,
        "name": "宁波四季超市",
        "size": "large",
        "owner": shop.owner_id,
        "related_users": [shop.owner_id],
    }


def test_linked_ids_come_with_the_records_and_are_read_without_a_query(shop, django_assert_num_queries):
    colleague = employee(shop.org, "销售部", role(shop.org, "同事", view="all"))
    shop.related_users.add(colleague)
    with django_assert_num_queries(1):
        records = list(linked_values(Customer.objects.filter(pk=shop.pk), {"related_users": None}))
    with django_assert_num_queries(0):
        assert SizeSerializer(records, many=True).data[0]["related_users"] == sorted([shop.owner_id, colleague.pk])


def test_linked_values_of_a_record_without_links_are_an_empty_list(shop):
    shop.related_users.clear()
    (record,) = linked_values(Customer.objects.filter(pk=shop.pk), {"related_users": None, "tags": "name"})
    assert SizeSerializer(record).data["related_users"] == []


def test_a_field_that_reads_the_context_is_read_afresh_for_every_request(shop):
    assert AskedBySerializer(shop, context={"who": "甲"}).data["asked_by"] == "甲"
    assert AskedBySerializer(shop, context={"who": "乙"}).data["asked_by"] == "乙"
    assert not AskedBySerializer.__dict__["_shared_readers"]


class StampsSerializer(FastReadSerializer):
    class Meta:
        model = Customer
        fields = ["id", "created_at", "last_followed_at"]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_timestamps_are_written_as_drf_writes_them_in_each_requests_time_zone(shop, zone):
    shop.last_followed_at = None
    drf_field = serializers.DateTimeField()
    with timezone.override(zone):
        data = StampsSerializer(shop).data
        expected = drf_field.to_representation(shop.created_at)
    assert data == {"id": shop.pk, "created_at": expected, "last_followed_at": None}
    assert expected.endswith("Z") if zone == "UTC" else not expected.endswith("Z")


def test_one_requests_time_zone_is_not_kept_for_the_next(shop):
    with timezone.override("Asia/Shanghai"):
        shanghai = StampsSerializer(shop).data["created_at"]
    with timezone.override("UTC"):
        utc = StampsSerializer(shop).data["created_at"]
    assert shanghai.endswith("+08:00") and utc.endswith("Z")


def test_a_timestamp_that_is_not_an_aware_datetime_is_written_as_drf_writes_it(shop):
    drf_field = serializers.DateTimeField()
    for value in (dt.datetime(2026, 11, 24, 9, 30), "2026-11-24T09:30:00+08:00", ""):
        shop.created_at = value
        assert StampsSerializer(shop).data["created_at"] == drf_field.to_representation(value)
