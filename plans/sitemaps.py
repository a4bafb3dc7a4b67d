"""Sitemap sections for members, action plans, institutions and secretariats."""

from collections.abc import Sequence

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet

from plans.models import ActionPlan, Forum, Institution, Member


class I18nSitemap(Sitemap):
    """Every page in every language, each listing its translations.

    ``/sitemap.xml`` is an index of the sections, each split into pages of ``limit`` entries
    (an entry per language), so no sitemap grows with the database. Sections load only the
    columns their addresses and dates need.
    """

    i18n = True
    alternates = True
    x_default = True
    limit = 2000

    def _items(self):
        items = self.items()
        if not isinstance(items, QuerySet):
            return super()._items()
        # Django pairs every item with every language in one list (every row of the section,
        # for each page); this sequence counts them and loads only the rows of the page asked.
        return ItemsInLanguages(items, list(self._languages()))

    def get_latest_lastmod(self):
        """The newest change of the section, from one aggregate rather than every row."""
        items = self.items()
        if not hasattr(self, "lastmod") or not isinstance(items, QuerySet):
            return super().get_latest_lastmod()
        return items.order_by().aggregate(latest=Max("updated_at"))["latest"]


class ItemsInLanguages(Sequence):
    """``(item, language)`` for every item of a queryset and every language, in that order,
    read from the database a slice at a time."""

    def __init__(self, items: QuerySet, languages: list[str]):
        self.items = items
        self.languages = languages

    def __len__(self) -> int:
        if not hasattr(self, "_count"):
            self._count = self.items.count() * len(self.languages)
        return self._count

    def __getitem__(self, index):
        width = len(self.languages)
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1 or start >= stop:
                return [self[i] for i in range(start, stop, step)]
            first, last = start // width, (stop - 1) // width + 1
            rows = list(self.items[first:last])
            pairs = [(item, code) for item in rows for code in self.languages]
            return pairs[start - first * width : stop - first * width]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return (self.items[index // width], self.languages[index % width])


class MemberSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Member.objects.only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ActionPlanSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ActionPlan.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class InstitutionSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        # Every institution has a public page, linked from a commitment, a forum or a meeting.
        return Institution.objects.only("pk", "slug").order_by("pk")


class ForumSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Forum.objects.only("pk", "slug").order_by("pk")
