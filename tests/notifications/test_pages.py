"""The notifications pages: valid HTML in both languages, and flat query counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Follower, Kind, Subscription
from tests import factories as f
from tests.pages.test_html_valid import vnu_messages

pytestmark = pytest.mark.django_db


def following(n: int) -> Follower:
    follower = Follower.objects.create(email="ana@example.org")
    for _ in range(n):
        Subscription.objects.create(
            follower=follower, commitment=f.make_commitment(), confirmed_at=timezone.now()
        )
    return follower


@pytest.mark.parametrize("n", [3, 30])
def test_the_manage_page_query_count_is_flat(client, django_assert_num_queries, n):
    follower = following(n)
    url = f"/en/follow/manage/{services.follower_token(follower)}/"
    # 1. the follower by its signed key  2. its subscriptions with what they follow
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="end"') == n


def test_every_notifications_page_is_valid_html(client, tmp_path, implementer):
    commitment = f.make_mxmex0009()
    follower = following(2)
    pending = Subscription.objects.create(follower=follower, commitment=commitment)
    token = services.follower_token(follower)
    pages = {}
    for language in ("es", "en"):
        bad_form = client.post(
            f"/{language}/follow/commitment/MXMEX0009/", {"email": "x", "language": "es"}
        )
        assert bad_form.status_code == 400
        pages[f"follow-errors-{language}"] = bad_form
        pages[f"confirm-{language}"] = client.get(
            f"/{language}/follow/confirm/{services.confirm_token(pending)}/"
        )
        pages[f"manage-{language}"] = client.get(f"/{language}/follow/manage/{token}/")
        pages[f"unsubscribe-{language}"] = client.get(f"/{language}/follow/unsubscribe/{token}/")
        pages[f"invalid-{language}"] = client.get(f"/{language}/follow/manage/{'x' * 20}/")
        off = services.user_kind_token(implementer, Kind.MILESTONE_OVERDUE)
        pages[f"switch-off-{language}"] = client.get(f"/{language}/notifications/off/{off}/")
        client.force_login(implementer)
        pages[f"preferences-{language}"] = client.get(f"/{language}/notifications/")
        client.logout()
    sent = client.post(
        "/en/follow/commitment/MXMEX0009/", {"email": "b@example.org", "language": "en"}
    )
    pages["follow-sent"] = sent
    pages["switched-off"] = client.post(f"/en/notifications/off/{off}/")
    pages["unsubscribed"] = client.post(f"/en/follow/unsubscribe/{token}/")
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    messages = vnu_messages(tmp_path)
    assert messages == []
