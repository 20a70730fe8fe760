"""CUS-3: customer photos — storefront and owner slots plus others; uploads checked by content
(real image, size limit, pixel limit, decompression bombs) with clear messages; re-encoded and
thumbnailed through Django storage; served only after a permission check; deleting removes files."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from PIL import Image

from qiao.core import recycle_bin
from qiao.core.services import main_object_delete
from qiao.customers import photos
from qiao.customers.errors import CustomerError
from qiao.customers.models import CustomerPhoto
from tests.permissions_helpers import customer, employee, role

pytestmark = pytest.mark.django_db


def image_upload(name="门头.jpg", size=(1200, 900), image_format="JPEG", mode="RGB", exif_orientation=None):
    buffer = io.BytesIO()
    image = Image.new(mode, size, (200, 60, 40) if mode == "RGB" else (200, 60, 40, 128))
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif
    image.save(buffer, image_format, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions: the shape of a decompression bomb, without the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.fixture
def people(organization):
    rep_role = role(organization, "代表", view="owner", edit="owner", delete="owner")
    rep = employee(organization, "华东组", rep_role, full_name="王销售")
    reader = employee(organization, "客服部", role(organization, "只读", view="all"), full_name="赵只读")
    stranger = employee(organization, "客服部", rep_role, full_name="李客服")
    record = customer(organization, name="杭州西湖超市", owner=rep)
    return rep, reader, stranger, record


def stored(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def test_cus3_storefront_and_owner_slots_plus_others(people):
    rep, _reader, _stranger, record = people
    storefront = photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    owner = photos.customer_photo_add(
        actor=rep, customer=record, kind="owner", upload=image_upload("老板.png", image_format="PNG")
    )
    others = [
        photos.customer_photo_add(actor=rep, customer=record, kind="other", upload=image_upload()) for _ in range(2)
    ]
    assert set(record.photos.values_list("kind", flat=True)) == {"storefront", "owner", "other"}
    assert record.photos.filter(kind="other").count() == 2
    for photo in (storefront, owner, *others):
        assert stored(photo.image.name) and stored(photo.thumbnail.name)
        assert photo.uploaded_by == rep


def test_cus3_a_new_slot_photo_replaces_the_old_and_removes_its_files(people, django_capture_on_commit_callbacks):
    rep, _reader, _stranger, record = people
    with django_capture_on_commit_callbacks(execute=True):
        first = photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    with django_capture_on_commit_callbacks(execute=True):
        second = photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    assert list(record.photos.filter(kind="storefront")) == [second]
    assert not stored(first.image.name) and not stored(first.thumbnail.name)
    assert stored(second.image.name)


def test_cus3_the_stored_photo_is_resized_reencoded_and_thumbnailed(people):
    rep, _reader, _stranger, record = people
    photo = photos.customer_photo_add(
        actor=rep, customer=record, kind="storefront", upload=image_upload(size=(4000, 3000), exif_orientation=6)
    )
    with default_storage.open(photo.image.name) as stored_file:
        image = Image.open(stored_file)
        # Turned upright (EXIF 6 = rotated 90°), long side reduced, metadata dropped.
        assert image.size == (1536, 2048) and image.format == "JPEG" and 0x0112 not in image.getexif()
    with default_storage.open(photo.thumbnail.name) as thumbnail_file:
        assert max(Image.open(thumbnail_file).size) == photos.THUMBNAIL_LONG_SIDE
    # Random names: nothing of the user's file name is in the path (NFR-5).
    assert "门头" not in photo.image.name and photo.image.name.startswith(f"customers/{record.org_id}/{record.pk}/")


def test_cus3_transparency_is_kept_as_png(people):
    rep, _reader, _stranger, record = people
    photo = photos.customer_photo_add(
        actor=rep, customer=record, kind="other", upload=image_upload("logo.png", image_format="PNG", mode="RGBA")
    )
    assert photo.image.name.endswith(".png") and photo.thumbnail.name.endswith(".png")


NOT_AN_IMAGE, TOO_LARGE = CustomerError.NOT_AN_IMAGE, CustomerError.IMAGE_TOO_LARGE


@pytest.mark.parametrize(
    ("upload", "code", "words"),
    [
        (SimpleUploadedFile("门头.jpg", b"MZ\x90\x00 a program", "image/jpeg"), NOT_AN_IMAGE, "not a photo"),
        (SimpleUploadedFile("门头.jpg", b"", "image/jpeg"), NOT_AN_IMAGE, "not a photo"),
        (SimpleUploadedFile("门头.pdf", b"%PDF-1.4 quote", "application/pdf"), NOT_AN_IMAGE, "not a photo"),
        (SimpleUploadedFile("bomb.png", png_header_only(60_000, 60_000), "image/png"), TOO_LARGE, "pixels"),
        (SimpleUploadedFile("wide.png", png_header_only(13_000, 10), "image/png"), TOO_LARGE, "pixels"),
    ],
    ids=["program", "empty", "pdf", "decompression-bomb", "too-wide"],
)
@pytest.mark.usefixtures("english")
def test_cus3_an_upload_that_is_not_a_usable_image_is_refused(people, upload, code, words):
    rep, _reader, _stranger, record = people
    with pytest.raises(ValidationError) as raised:
        photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=upload)
    assert raised.value.error_dict["image"][0].code == code
    assert words in " ".join(raised.value.messages)
    assert not CustomerPhoto.objects.exists()


def test_cus3_a_truncated_image_is_refused(people):
    rep, _reader, _stranger, record = people
    whole = image_upload().read()
    upload = SimpleUploadedFile("门头.jpg", whole[: len(whole) // 2], "image/jpeg")
    with pytest.raises(ValidationError) as raised:
        photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=upload)
    assert raised.value.error_dict["image"][0].code == CustomerError.NOT_AN_IMAGE


def test_cus3_an_upload_over_the_size_limit_is_refused(people, monkeypatch):
    rep, _reader, _stranger, record = people
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", 1000)
    with pytest.raises(ValidationError) as raised:
        photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    assert raised.value.error_dict["image"][0].code == CustomerError.IMAGE_TOO_LARGE
    assert "MB" in raised.value.messages[0]


def test_cus3_an_unknown_slot_is_refused(people):
    rep, _reader, _stranger, record = people
    with pytest.raises(ValidationError) as raised:
        photos.customer_photo_add(actor=rep, customer=record, kind="selfie", upload=image_upload())
    assert "kind" in raised.value.error_dict


def test_cus3_only_editors_add_or_delete_photos(people):
    rep, reader, stranger, record = people
    with pytest.raises(PermissionDenied):
        photos.customer_photo_add(actor=reader, customer=record, kind="storefront", upload=image_upload())
    with pytest.raises(Http404):
        photos.customer_photo_add(actor=stranger, customer=record, kind="storefront", upload=image_upload())
    photo = photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    with pytest.raises(PermissionDenied):
        photos.customer_photo_delete(actor=reader, photo=photo)
    assert CustomerPhoto.objects.filter(pk=photo.pk).exists()


def test_cus3_deleting_a_photo_removes_its_files(people, django_capture_on_commit_callbacks):
    rep, _reader, _stranger, record = people
    photo = photos.customer_photo_add(actor=rep, customer=record, kind="owner", upload=image_upload())
    names = (photo.image.name, photo.thumbnail.name)
    with django_capture_on_commit_callbacks(execute=True):
        photos.customer_photo_delete(actor=rep, photo=photo)
    assert not CustomerPhoto.objects.filter(pk=photo.pk).exists()
    assert not any(stored(name) for name in names)


def test_cus3_purging_the_customer_removes_its_photo_files(people, admin_user, django_capture_on_commit_callbacks):
    rep, _reader, _stranger, record = people
    photo = photos.customer_photo_add(actor=rep, customer=record, kind="owner", upload=image_upload())
    main_object_delete(actor=rep, obj=record)
    assert stored(photo.image.name)  # in the recycle bin, everything stays
    with django_capture_on_commit_callbacks(execute=True):
        recycle_bin.recycle_bin_purge(actor=admin_user, type_code="customer", pk=record.pk)
    assert not stored(photo.image.name) and not stored(photo.thumbnail.name)


# --- pages ----------------------------------------------------------------------------------------


def test_cus3_the_panel_shows_the_slots_and_uploads_through_the_page(client, people):
    rep, _reader, _stranger, record = people
    client.force_login(rep)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    assert 'id="panel-photos"' in page and 'data-photo-slot="storefront"' in page and 'data-photo-slot="owner"' in page
    response = client.post(
        reverse("customers:photo_upload", args=[record.pk]), {"kind": "storefront", "image": image_upload()}
    )
    assert response.status_code == 200
    photo = record.photos.get()
    assert reverse("customers:photo_file", args=[photo.pk, "thumbnail"]) in response.content.decode()


def test_cus3_a_refused_upload_shows_a_clear_message(client, people):
    rep, _reader, _stranger, record = people
    client.force_login(rep)
    response = client.post(
        reverse("customers:photo_upload", args=[record.pk]),
        {"kind": "storefront", "image": SimpleUploadedFile("门头.jpg", b"not an image", "image/jpeg")},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This file is not a photo Qiao can read" in response.content.decode()
    assert not record.photos.exists()


def test_cus3_files_are_served_only_to_those_who_may_see_the_customer(client, people):
    rep, reader, stranger, record = people
    photo = photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    for user, status in ((rep, 200), (reader, 200), (stranger, 404)):
        client.force_login(user)
        for size in ("image", "thumbnail"):
            response = client.get(reverse("customers:photo_file", args=[photo.pk, size]))
            assert response.status_code == status, (user, size)
            if status == 200:
                assert response["Content-Type"] == "image/jpeg" and "private" in response["Cache-Control"]
                assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"
    client.logout()
    assert client.get(reverse("customers:photo_file", args=[photo.pk, "image"])).status_code == 302  # to the login
    client.force_login(rep)
    assert client.get(reverse("customers:photo_file", args=[photo.pk, "original"])).status_code == 404


def test_cus3_viewers_see_photos_but_no_upload_or_delete(client, people):
    rep, reader, stranger, record = people
    photo = photos.customer_photo_add(actor=rep, customer=record, kind="storefront", upload=image_upload())
    client.force_login(reader)
    page = client.get(reverse("customers:detail", args=[record.pk])).content.decode()
    panel = page[page.index('id="photos-panel"') :]
    assert reverse("customers:photo_file", args=[photo.pk, "thumbnail"]) in panel
    assert reverse("customers:photo_upload", args=[record.pk]) not in panel
    assert reverse("customers:photo_delete", args=[photo.pk]) not in panel
    # Posting anyway changes nothing.
    client.post(reverse("customers:photo_delete", args=[photo.pk]))
    client.post(reverse("customers:photo_upload", args=[record.pk]), {"kind": "owner", "image": image_upload()})
    assert list(record.photos.all()) == [photo]
    client.force_login(stranger)
    assert client.post(reverse("customers:photo_delete", args=[photo.pk])).status_code == 404
    assert client.post(reverse("customers:photo_upload", args=[record.pk]), {"kind": "owner"}).status_code == 404
    assert CustomerPhoto.objects.filter(pk=photo.pk).exists()


def test_cus3_deleting_through_the_page(client, people, django_capture_on_commit_callbacks):
    rep, _reader, _stranger, record = people
    photo = photos.customer_photo_add(actor=rep, customer=record, kind="other", upload=image_upload())
    client.force_login(rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customers:photo_delete", args=[photo.pk]))
    assert response.status_code == 200 and not record.photos.exists() and not stored(photo.image.name)
