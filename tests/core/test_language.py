from django.conf import settings


def test_chinese_is_the_default_even_for_english_browsers(client, db):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in response.content.decode()


def test_anonymous_switch_is_kept_in_a_cookie(client, db):
    response = client.post("/language/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/login/")["Content-Language"] == "en"


def test_switch_is_remembered_on_the_account(client, users):
    user = users["doctor"]
    client.force_login(user)
    client.post("/language/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    # A new browser (no cookie) still gets English once signed in.
    client.cookies.clear()
    client.force_login(user)
    assert client.get("/")["Content-Language"] == "en"


def test_unknown_language_and_foreign_next_are_ignored(client, users):
    client.force_login(users["doctor"])
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    users["doctor"].refresh_from_db()
    assert users["doctor"].language == ""


def test_catalogue_translates_into_chinese(client, users):
    client.force_login(users["doctor"])
    body = client.get("/people/").content.decode()
    assert "服务对象" in body or "人员" in body
