"""LEAD-4: the public lead capture form — managed by employees with `lead.add`, open to anyone at
/f/<token>/ in Chinese and English, kept free of spam without outside services (a hidden field, a
signed minimum fill time, a limit per address), running the same duplicate check as conversion."""

import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from qiao.activities.models import Activity
from qiao.customers import views_capture
from qiao.customers.leads import capture
from qiao.customers.models import CaptureForm, Lead
from qiao.customers.services import prepare_customer
from tests.permissions_helpers import customer, employee, role


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(organization):
    rep = role(organization, "代表", view="owner", edit="owner", delete="owner", activity={"view": "owner"})
    owner = employee(organization, "销售部", rep, full_name="李娜")
    form = capture.capture_form_save(
        actor=owner,
        data={
            "title": "2026 食品展 B12 展位",
            "introduction": "扫码留资，送试吃装",
            "source": "trade_show",
            "is_active": True,
        },
    )
    return {"organization": organization, "owner": owner, "form": form, "rep": rep}


def old_stamp(token, seconds_ago=10):
    return signing.dumps({"form": token, "at": time.time() - seconds_ago}, salt=views_capture.SIGNING_SALT)


def entry(token, **values):
    return {
        "name": "陈晓燕",
        "company": "宁波鲜丰水果超市",
        "phone": "13912345678",
        "email": "",
        "notes": "想了解进口水果批发价",
        "website": "",
        "started": old_stamp(token),
        **values,
    }


def url(form):
    return reverse("capture_public", args=[form.token])


def test_lead4_the_public_form_needs_no_login_and_speaks_both_languages(world, client):
    form = world["form"]
    page = client.get(url(form), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026 食品展 B12 展位" in html and "扫码留资" in html and world["organization"].name in html
    assert "Your name" in html and 'name="website"' in html and 'class="visually-hidden"' in html
    assert 'name="viewport"' in html  # phone-sized
    assert 'data-language="en"' in html and 'data-language="zh-hans"' in html
    assert "<script>" not in html  # CSP: no inline script
    assert client.get(reverse("capture_public", args=["no-such-form"])).status_code == 404


def test_lead4_an_entry_becomes_a_lead_of_the_forms_owner_with_its_source(world, client):
    form = world["form"]
    response = client.post(url(form), entry(form.token))
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    lead = Lead.objects.get()
    assert (lead.name, lead.company, lead.phone, lead.source) == (
        "陈晓燕",
        "宁波鲜丰水果超市",
        "139 1234 5678",
        "trade_show",
    )
    assert lead.owner == world["owner"] and lead.owner_department == world["owner"].department
    assert lead.capture_form == form and lead.status == "new" and lead.notes == "想了解进口水果批发价"
    assert "Thank you" in client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The owner sees it in their leads.
    client.force_login(world["owner"])
    assert "陈晓燕" in client.get(reverse("customers:leads:list")).content.decode()


def test_lead4_bad_input_is_named_next_to_the_field_and_nothing_is_created(world, client):
    form = world["form"]
    page = client.post(url(form), entry(form.token, phone="12345"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "is not a valid phone number" in page and "is-invalid" in page
    page = client.post(url(form), entry(form.token, phone="", email=""), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Leave a phone number or an e-mail address" in page
    page = client.post(url(form), entry(form.token, name="", email="bad")).content.decode()
    assert page.count("invalid-feedback") >= 2
    assert not Lead.objects.exists()


def test_lead4_a_robot_that_fills_the_hidden_field_is_thanked_and_ignored(world, client):
    form = world["form"]
    response = client.post(url(form), entry(form.token, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert not Lead.objects.exists()


def test_lead4_a_forged_or_borrowed_time_stamp_is_ignored(world, client, admin_user):
    form = world["form"]
    other = capture.capture_form_save(
        actor=admin_user, data={"title": "另一个表单", "source": "internet", "is_active": True}
    )
    for stamp in ("not-signed", old_stamp(other.token)):
        response = client.post(url(form), entry(form.token, started=stamp))
        assert response.status_code == 302
    assert not Lead.objects.exists()


def test_lead4_too_fast_or_too_old_entries_must_be_sent_again(world, client):
    form = world["form"]
    page = client.post(url(form), entry(form.token, started=old_stamp(form.token, 0)), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "That was quick" in page.content.decode() and not Lead.objects.exists()
    expired = old_stamp(form.token, views_capture.MAX_FORM_AGE_SECONDS + 60)
    page = client.post(url(form), entry(form.token, started=expired), HTTP_ACCEPT_LANGUAGE="en")
    assert "open too long" in page.content.decode() and not Lead.objects.exists()
    new_stamp = page.context["form"].data["started"]
    assert views_capture.stamp_problem(new_stamp, form.token) == "too_fast"  # a fresh stamp for the next try


def test_lead4_entries_per_address_are_limited(world, client, monkeypatch):
    monkeypatch.setattr(views_capture, "RATE_LIMIT_ENTRIES", 2)
    form = world["form"]
    for number in range(2):
        assert client.post(url(form), entry(form.token, phone=f"1391234000{number}")).status_code == 302
    response = client.post(url(form), entry(form.token, phone="13912340009"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429 and "Too many entries" in response.content.decode()
    assert Lead.objects.count() == 2
    other_address = client.post(url(form), entry(form.token, phone="13912340008"), REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 302 and Lead.objects.count() == 3


def test_lead4_a_duplicate_still_becomes_a_lead_flagged_for_its_owner(world, client):
    form = world["form"]
    stranger = employee(world["organization"], "客服部", world["rep"], full_name="赵敏")
    known = customer(world["organization"], name="宁波鲜丰水果超市", owner=stranger, phone="0574 8888 6666")
    prepare_customer(known)
    known.save()
    response = client.post(url(form), entry(form.token))
    assert response.status_code == 302  # the visitor learns nothing about who else is known
    lead = Lead.objects.get()
    task = Activity.objects.get(subject_id=lead.pk, kind="task")
    assert task.owner == world["owner"] and "2026 食品展 B12 展位" in task.notes
    assert "宁波鲜丰水果超市" not in task.notes.replace("2026 食品展 B12 展位", "")  # no other record's name
    client.force_login(world["owner"])
    page = client.get(reverse("customers:leads:detail", args=[lead.pk])).content.decode()
    assert "data-duplicates" in page and stranger.full_name in page  # whose record it clashes with
    assert "0574 8888 6666" not in page
    client.logout()
    client.post(url(form), entry(form.token, name="孙丽", company="广州天河新一佳便利店", phone="13700007777"))
    assert not Activity.objects.filter(subject_id=Lead.objects.get(name="孙丽").pk).exists()  # no duplicate, no task


def test_lead4_a_closed_form_or_an_inactive_owner_takes_no_entries(world, client):
    form = world["form"]
    CaptureForm.objects.filter(pk=form.pk).update(is_active=False)
    assert client.get(url(form)).status_code == 410
    assert client.post(url(form), entry(form.token)).status_code == 410
    CaptureForm.objects.filter(pk=form.pk).update(is_active=True)
    type(world["owner"]).objects.filter(pk=world["owner"].pk).update(is_active=False)
    assert client.post(url(form), entry(form.token)).status_code == 410
    assert not Lead.objects.exists()


# --- Management pages ------------------------------------------------------------------------------


def test_lead4_employees_with_lead_add_manage_their_own_forms(world, client, admin_user):
    owner = world["owner"]
    client.force_login(owner)
    page = client.get(reverse("customers:capture_forms")).content.decode()
    assert "2026 食品展 B12 展位" in page and f"/f/{world['form'].token}/" in page
    response = client.post(
        reverse("customers:capture_form_add"),
        {"title": "官网留言", "introduction": "", "source": "internet", "owner": owner.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    created = CaptureForm.objects.get(title="官网留言")
    assert created.owner == owner and len(created.token) >= 20 and created.token != world["form"].token
    # A plain employee cannot send a form's leads to someone else.
    colleague = employee(world["organization"], "销售部", world["rep"])
    page = client.post(
        reverse("customers:capture_form_edit", args=[created.pk]),
        {"title": "官网留言", "source": "internet", "owner": colleague.pk, "is_active": "on"},
    ).content.decode()
    assert CaptureForm.objects.get(pk=created.pk).owner == owner and "is-invalid" in page
    with translation.override("en"), pytest.raises(Exception) as refused:
        capture.capture_form_save(actor=owner, data={"title": "x", "source": "other", "owner": colleague})
    assert "Leads of your forms can only go to you" in str(refused.value)
    # The organization admin sees every form and may choose the owner.
    client.force_login(admin_user)
    assert "官网留言" in client.get(reverse("customers:capture_forms")).content.decode()
    capture.capture_form_save(actor=admin_user, capture_form=created, data={"title": "官网留言", "owner": colleague})
    assert CaptureForm.objects.get(pk=created.pk).owner == colleague


def test_lead4_others_see_no_form_and_no_entry(world, client):
    form = world["form"]
    client.post(url(form), entry(form.token, name="MARK-ENTRY"))
    colleague = employee(world["organization"], "销售部", world["rep"])
    no_leads = employee(
        world["organization"], "客服部", role(world["organization"], "只看客户", view="all", types=["customer"])
    )
    for user in (colleague, no_leads):
        client.force_login(user)
        for page in (reverse("customers:capture_forms"), reverse("customers:leads:list")):
            response = client.get(page)
            assert "2026 食品展" not in response.content.decode() and "MARK-ENTRY" not in response.content.decode()
        assert client.get(reverse("customers:capture_form_edit", args=[form.pk])).status_code == 404
    client.force_login(no_leads)
    assert client.get(reverse("customers:capture_forms")).status_code == 404  # no lead.add, no page
