"""API-1 … API-4: token auth, schema and docs, error bodies in the request's language."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from qiao.core.authentication import TokenAuthentication
from tests.factories import PASSWORD


def test_api2_token_auth(admin_user):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": admin_user.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/users/").status_code == 200


def test_api2_a_token_brings_the_employees_department_without_a_query_of_its_own(admin_user):
    key = Token.objects.create(user=admin_user).key
    user, _token = TokenAuthentication().authenticate_credentials(key)
    assert "department" in user._state.fields_cache  # the permission engine reads it on every list


def test_api2_an_unknown_or_disabled_token_is_refused_in_the_requests_language(admin_user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    refused = client.get("/api/v1/users/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "令牌无效。"
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    admin_user.is_active = False
    admin_user.save(update_fields=["is_active"])
    assert client.get("/api/v1/users/").json()["detail"] == "该账号已停用或已删除。"


def test_api2_wrong_password_is_a_400_without_a_token(admin_user):
    response = APIClient().post("/api/v1/auth/token/", {"username": admin_user.username, "password": "nope"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_api2_browser_sessions_work_too(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/api/v1/departments/").status_code == 200


def test_api1_schema_and_docs_are_served_locally(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/departments/" in paths and "/api/v1/users/{id}/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "https://" not in html.replace("https://swagger.io", "")  # assets come from this server (NFR-7)


def test_api4_messages_follow_the_request_language(employee_api, admin_api, organization):
    english = admin_api.get("/api/v1/users/999999/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = admin_api.get("/api/v1/users/999999/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert english.status_code == chinese.status_code == 404
    assert english.json()["detail"] == "Not found."
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["detail"])

    forbidden_en = employee_api.post("/api/v1/departments/", {"name": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    forbidden_zh = employee_api.post("/api/v1/departments/", {"name": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert forbidden_en.status_code == forbidden_zh.status_code == 403
    assert "permission to manage the organization" in forbidden_en.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in forbidden_zh.json()["detail"])

    invalid_zh = admin_api.post("/api/v1/departments/", {"name": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert invalid_zh.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in invalid_zh.json()["name"][0])


def test_api4_malformed_json_is_a_400(admin_api):
    response = admin_api.generic("POST", "/api/v1/departments/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_api3_an_ordering_with_ties_pages_every_record_once(admin_user, admin_api):
    """`?ordering=name` ties every customer below: the primary key, in the direction of the last
    field asked for, orders the ties (core/api.py `Pagination`), so that the pages neither
    repeat nor skip a record."""
    from qiao.customers.models import Customer

    ids = [Customer.objects.create(org=admin_user.org, name="同名贸易有限公司", owner=admin_user).pk for _ in range(7)]
    for ordering, expected in (("name", sorted(ids)), ("-name", sorted(ids, reverse=True))):
        paged = []
        for page in (1, 2, 3, 4):
            body = admin_api.get(f"/api/v1/customers/?ordering={ordering}&page_size=2&page={page}").json()
            paged += [row["id"] for row in body["results"]]
        assert paged == expected, ordering
