"""The data page and the downloads carry validators from the public data: unchanged, a 304."""

import pytest
from django.http import StreamingHttpResponse
from django.utils.http import http_date, parse_http_date

from ogptracker import pagecache
from tests import factories
from tests.data.helpers import build_portal

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "/data/commitments.csv",
    "/data/milestones.csv",
    "/data/commitments.json",
    "/data/commitments.xlsx",
    "/data/milestones.xlsx",
]
STREAMED = ["/data/commitments.csv", "/data/milestones.csv", "/data/commitments.json"]


@pytest.fixture
def portal():
    return build_portal()


@pytest.mark.parametrize("path", [*DOWNLOADS, "/data/commitments.csv?plan=mexico-state-2021"])
def test_a_download_carries_an_etag_and_last_modified_from_the_public_data(client, portal, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    version, changed_at = pagecache.current()
    assert parse_http_date(response["Last-Modified"]) == int(changed_at.timestamp())
    if path.split("?")[0] in STREAMED:
        assert isinstance(response, StreamingHttpResponse)  # still streamed
        assert b"".join(response.streaming_content)


def test_each_download_and_filter_has_its_own_etag(client, portal):
    filtered = f"{DOWNLOADS[0]}?member={portal['state'].slug}"
    etags = {client.get(path)["ETag"] for path in [*DOWNLOADS, filtered]}
    assert len(etags) == len(DOWNLOADS) + 1


def test_a_refused_filter_gets_no_validators(client, portal):
    response = client.get("/data/commitments.csv?member=nobody")
    assert response.status_code == 400
    assert "ETag" not in response


@pytest.mark.parametrize("path", DOWNLOADS)
def test_an_unchanged_download_is_a_304_without_reading_the_data(
    client, portal, path, django_assert_num_queries
):
    etag = client.get(path)["ETag"]
    # 1. the version of the public data
    with django_assert_num_queries(1):
        response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert not response.streaming and response.content == b""


def test_if_modified_since_the_last_change_is_a_304(client, portal):
    last_modified = client.get("/data/commitments.csv")["Last-Modified"]
    response = client.get("/data/commitments.csv", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 60)
    response = client.get("/data/commitments.csv", HTTP_IF_MODIFIED_SINCE=earlier)
    assert response.status_code == 200


def test_a_write_makes_every_download_new_again(client, portal):
    etag = client.get("/data/commitments.csv")["ETag"]
    commitment = portal["rti"]
    commitment.title = "Transparencia proactiva municipal"
    commitment.save()
    response = client.get("/data/commitments.csv", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Transparencia proactiva municipal" in b"".join(response.streaming_content).decode()


def test_a_download_is_never_older_than_the_start_of_the_day(client, portal):
    from commitments.rollups import PublicVersion

    PublicVersion.objects.filter(pk=1).update(changed_at="2020-01-01T00:00:00Z")
    response = client.get("/data/commitments.csv")
    assert parse_http_date(response["Last-Modified"]) > parse_http_date(
        "Wed, 01 Jan 2020 00:00:00 GMT"
    )


def test_the_data_page_is_a_304_when_unchanged_for_anonymous_visitors(client, portal):
    response = client.get("/en/data/")
    assert response.status_code == 200
    etag = response["ETag"]
    assert response["Last-Modified"]
    assert client.get("/en/data/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/es/data/")["ETag"] != etag  # another language, another page
    factories.make_member(name="Oaxaca")
    assert client.get("/en/data/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_signed_in_visitor_always_gets_the_data_page_in_full(client, portal, secretariat):
    etag = client.get("/en/data/")["ETag"]
    client.force_login(secretariat)
    response = client.get("/en/data/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "ETag" not in response
