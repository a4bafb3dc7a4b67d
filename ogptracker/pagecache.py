"""Cached public pages for anonymous visitors, invalidated by a version every write bumps.

A page is stored per path, query string, language and ``Accept`` header under the current
version of the public data (``commitments.rollups.PublicVersion``, a one-row table every write
bumps in its own transaction), so a change shows on every page and every app server at once and
a draft never survives in a page cached before or after it was published or withdrawn. Visitors
with a session (signed in, or carrying a message) and API clients sending credentials always get
a fresh page. Every cached answer carries an ``ETag`` and ``Last-Modified``; a conditional GET
gets a 304. The CSRF token of a cached form is replaced with the visitor's own on the way out.

A page is kept compressed too, and a client that accepts gzip (every browser) gets that: the
text is compressed once, when the page is stored, around the places of the CSRF token, and each
visitor's own token goes between the compressed pieces uncompressed (a stored deflate block), so
serving it compresses nothing and the token, a secret, is never compressed beside other text.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import threading
import zlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.http import http_date

CONTENT_APPS = {"plans", "commitments", "reports", "ogptracker"}
# Never cached: the admin, sign-in, the evaluators' workspace, language switching, downloads.
PRIVATE_SEGMENTS = {"admin", "accounts", "evaluations", "i18n", "data", "health"}
SAFE_METHODS = {"GET", "HEAD"}
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Content-Disposition", "Allow")
TIMEOUT = 24 * 3600
# Below this a page is sent as it is: compressing would save less than the headers it adds.
GZIP_MIN_LENGTH = 200
# A gzip member's header: deflate, no name, no time, unknown system (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"

_local = threading.local()


def _model():
    return apps.get_model("commitments", "PublicVersion")


def current() -> tuple[int, object] | None:
    """The version of the public data and when it last changed (None before the first write).

    Read once per cached public request: the page and whatever it keeps per version (counts,
    chart statistics) agree on one version.
    """
    state = getattr(_local, "state", _UNREAD)
    if state is _UNREAD:
        state = _read_version()
        if getattr(_local, "keep", False):
            _local.state = state
    return state


def _read_version() -> tuple[int, object] | None:
    # One statement, without building a query: every cached page served reads it.
    model = _model()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('version')}, {quote('changed_at')} FROM "
            f"{quote(model._meta.db_table)} WHERE {quote('id')} = %s",
            [1],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    version, changed_at = row
    if not isinstance(changed_at, datetime.datetime):  # SQLite returns text
        changed_at = parse_datetime(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return version, changed_at


_UNREAD = object()


def count_once(queryset) -> int:
    """``queryset.count()``, counted once per version of the public data.

    Keyed by the query's SQL and parameters, so two visitors who may see different rows (the
    secretariat sees drafts) never share a count.
    """
    if not isinstance(queryset, QuerySet):
        return len(queryset)
    # Neither the order nor what the rows carry changes a count: a list and its sorted, ranked
    # or annotated versions share one.
    queryset = queryset.order_by().values("pk")
    try:
        queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0  # a filter no row can pass
    return kept_for_query("count", queryset, queryset.count)


def kept_for_query(kind: str, queryset, compute, *extra):
    """``compute()``, kept once per version of the public data under the SQL and parameters of
    ``queryset`` (and ``extra``): what a query finds is shared by every visitor who would run
    the same query, and only by them. Before the first write there is no version: computed
    each time."""
    state = current()
    if state is None:
        return compute()
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return compute()
    digest = hashlib.sha256(repr((state[0], sql, params, extra)).encode()).hexdigest()
    # Wrapped, so that a result of None is kept too.
    return default_cache.get_or_set(f"{kind}:{digest}", lambda: (compute(),), TIMEOUT)[0]


def kept_markup(name: str, template_name: str, context) -> str:
    """``template_name`` drawn with ``context()``, kept per version of the public data, language
    and day under ``name``: a fragment of published data, the same for every reader (a chart,
    the links to published reports). Safe to show: the template escaped every text it holds."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    markup = kept_for_the_day(
        f"markup:{name}:{translation.get_language()}",
        lambda: render_to_string(template_name, context()),
    )
    return mark_safe(markup)


def kept_for_the_day(name: str, compute):
    """``compute()``, kept per version of the public data and day under ``name``: for figures
    drawn from public data only, the same for every reader (a chart, a statistic). Before the
    first write there is no version: computed each time."""
    state = current()
    if state is None:
        return compute()
    key = f"kept:{name}:{state[0]}:{timezone.localdate():%Y%m%d}"
    return default_cache.get_or_set(key, compute, TIMEOUT)


class CountOncePaginator(Paginator):
    """A paginator whose count (the costly part of a large list) is kept per data version."""

    @cached_property
    def count(self) -> int:
        return count_once(self.object_list)


def bump() -> None:
    """Every cached public page is stale from now on (in the writer's transaction).

    A random version, not a counter: a rolled-back write or a restored database can never bring
    back a number whose pages showed other data.
    """
    values = {"version": secrets.randbits(62), "changed_at": timezone.now()}
    if not _model().objects.filter(pk=1).update(**values):
        _model().objects.update_or_create(pk=1, defaults=values)


def _content_changed(sender, raw=False, **kwargs) -> None:
    if raw or sender._meta.app_label not in CONTENT_APPS or sender.__module__ == "__fake__":
        return  # fixtures, other apps, and the historical models of migrations
    if sender._meta.model_name in {"publicversion", "rollup"}:
        return
    bump()


def connect() -> None:
    """Any save or delete of the portal's own content makes cached public pages stale."""
    post_save.connect(_content_changed, dispatch_uid="ogptracker.pagecache.save")
    post_delete.connect(_content_changed, dispatch_uid="ogptracker.pagecache.delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="ogptracker.pagecache.m2m")


def _m2m_changed(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _content_changed(type(instance))


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def cacheable(request) -> bool:
    """An anonymous read of a public page."""
    if request.method not in SAFE_METHODS:
        return False
    if not getattr(settings, "PAGE_CACHE", True):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    segments = [part for part in request.path.split("/") if part][:2]
    return not PRIVATE_SEGMENTS & set(segments)


def _key(request, version: int) -> str:
    # The day too: what is overdue, and a chart's "today", change at midnight without a write.
    raw = "|".join(
        (
            str(version),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            request.get_full_path(),
            request.META.get("HTTP_ACCEPT", ""),
            request.get_host(),
        )
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _start_of_today() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    return all(name == settings.CSRF_COOKIE_NAME for name in response.cookies)


class PublicPageCacheMiddleware:
    """Serve anonymous public pages from the cache; mark writes; answer conditional GETs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable(request):
            if request.method in SAFE_METHODS:
                # A read not served from the cache still reads the version once, when first
                # needed, for everything it keeps per version.
                _local.keep = True
                try:
                    return self.get_response(request)
                finally:
                    del _local.keep
                    _local.__dict__.pop("state", None)
            response = self.get_response(request)
            if response.status_code < 400:
                # A write through a view that updates rows without signals still shows at once.
                bump()
            return response
        state = _local.state = current()
        try:
            return self._cached(request, state)
        finally:
            del _local.state

    def _cached(self, request, state):
        if state is None:
            return self.get_response(request)
        version, changed_at = state
        # A page can change at midnight without a write (overdue milestones): never older than
        # the start of the day.
        changed_at = max(changed_at, _start_of_today())
        key = _key(request, version)
        cache = _cache()
        entry = cache.get(key)
        hit = entry is not None
        if entry is None:
            response = self.get_response(request)
            if not _storable(response):
                return response
            body = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            headers = {h: response[h] for h in KEPT_HEADERS if h in response}
            entry = _entry(body, headers, compress=not response.has_header("Content-Encoding"))
            cache.set(key, entry, TIMEOUT)
        response = HttpResponse(status=200)
        for header, value in entry["headers"].items():
            response[header] = value
        patch_vary_headers(response, ("Accept-Encoding",))
        parts = entry["parts"]
        token = get_token(request).encode() if len(parts) > 1 else b""
        etag = entry["etag"]
        if entry["gzip"] is not None and accepts_gzip(request):
            response.content = _gzipped(parts, entry["gzip"], token)
            response["Content-Encoding"] = "gzip"
            etag = etag[:-1] + '-gzip"'  # another representation, another validator
        else:
            response.content = token.join(parts)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(changed_at.timestamp())
        response["Cache-Control"] = "no-cache"
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(changed_at.timestamp()),
            response=response,
        )


def _entry(body: bytes, headers: dict, compress: bool = True) -> dict:
    """What the cache keeps of a page: its text split around the CSRF token's places, the same
    pieces compressed (None for a short page) and its validator."""
    parts = body.split(CSRF_PLACEHOLDER)
    compressed = None
    if compress and len(body) >= GZIP_MIN_LENGTH:
        compressed = []
        for number, part in enumerate(parts):
            # Raw deflate, each piece ending on a byte boundary (a sync flush) so that a stored
            # block can follow it; the last one ends the stream.
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            last = number == len(parts) - 1
            compressed.append(
                compressor.compress(part)
                + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)
            )
    return {
        "parts": parts,
        "gzip": compressed,
        "headers": headers,
        "etag": '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"',
    }


def _gzipped(parts: list[bytes], compressed: list[bytes], token: bytes) -> bytes:
    """The page as one gzip member: the compressed pieces with ``token`` stored between them."""
    stored = (
        b"\x00" + len(token).to_bytes(2, "little") + (0xFFFF ^ len(token)).to_bytes(2, "little")
    )
    checksum = zlib.crc32(parts[0])
    for part in parts[1:]:
        checksum = zlib.crc32(part, zlib.crc32(token, checksum))
    size = sum(map(len, parts)) + len(token) * (len(parts) - 1)
    return b"".join(
        (
            GZIP_HEADER,
            (stored + token).join(compressed),
            checksum.to_bytes(4, "little"),
            (size & 0xFFFFFFFF).to_bytes(4, "little"),
        )
    )


def accepts_gzip(request) -> bool:
    """The client accepts gzip (``Accept-Encoding``), unless it gives it a quality of 0."""
    for coding in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, *params = (piece.strip().lower() for piece in coding.split(";"))
        if name not in {"gzip", "x-gzip", "*"}:
            continue
        for param in params:
            attribute, _, value = param.partition("=")
            if attribute.strip() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False
