"""Paginators that do not count rows again: told the count, or reading it with the page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property

from ogptracker import pagecache

# Beyond this page number, ``page_with_count`` counts first (no offset that large is sent).
MAX_WINDOW_PAGE = 100_000


def in_key_order(queryset, keys) -> list:
    """The rows of ``queryset`` whose keys are ``keys``, in that order (one query, none for no
    keys; a key it does not find is left out): a page chosen by its keys, then read by them."""
    (rows,) = in_key_order_each(queryset, keys)
    return rows


def in_key_order_each(queryset, *key_lists) -> list[list]:
    """``in_key_order`` of each list of keys, all read in one query (two lists of one page)."""
    key_lists = [list(keys) for keys in key_lists]
    wanted = list(dict.fromkeys(key for keys in key_lists for key in keys))
    rows = {row.pk: row for row in queryset.filter(pk__any_of=wanted)} if wanted else {}
    return [[rows[key] for key in keys if key in rows] for keys in key_lists]


class KnownCountPaginator(Paginator):
    """A paginator told its count (a precomputed roll-up) instead of counting rows again."""

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count


def page_with_count(queryset, per_page: int, number) -> Page:
    """Page ``number`` of ``queryset``, its rows carrying the total (a window function): the
    page and its count in one query. A page out of range gets the last one, as ``get_page``."""
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    if wanted <= MAX_WINDOW_PAGE:
        start = (wanted - 1) * per_page
        rows = list(queryset.annotate(_total=Window(Count("pk")))[start : start + per_page])
        if rows or wanted == 1:
            paginator = KnownCountPaginator(queryset, per_page, count=rows[0]._total if rows else 0)
            return Page(rows, wanted, paginator)
    return Paginator(queryset, per_page).get_page(number)


class KeysFirstPaginator(Paginator):
    """A paginator that finds the keys of a page first, then loads those rows with their
    annotations and columns: a late page (OFFSET 9,000) skips rows without computing their
    per-row sub-queries (progress counts) or reading their long texts for every row it skips.
    Public lists, the API's lists and admin changelists use it.

    ``rows``: where the page's rows are loaded from by key (see
    ``ogptracker.admin_lists.KeysFirstAdminMixin``); without it, from the list itself.
    ``kept``: the count and each page's keys are kept per version of the data under the query
    that finds them (``pagecache.kept_for_query``), so sorting thousands of rows by a text is
    done once, not on every visit (public lists).
    """

    def __init__(
        self,
        object_list,
        per_page,
        *args,
        rows: QuerySet | None = None,
        kept: bool = False,
        **kwargs,
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = rows
        self.kept = kept

    @cached_property
    def count(self) -> int:
        if self.kept:
            return pagecache.count_once(self.object_list)
        return super().count

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            rows = self.object_list if self.rows is None else self.rows
            keys = object_list.values_list("pk", flat=True)
            if self.kept:
                keys = pagecache.kept_for_query("page-keys", keys, lambda: list(keys))
            object_list = in_key_order(rows, keys)
        return super()._get_page(object_list, number, paginator)
