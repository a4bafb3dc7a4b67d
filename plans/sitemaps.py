"""Sitemap sections for members, action plans, institutions and secretariats."""

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

    def get_latest_lastmod(self):
        """The newest change of the section, from one aggregate rather than every row."""
        items = self.items()
        if not hasattr(self, "lastmod") or not isinstance(items, QuerySet):
            return super().get_latest_lastmod()
        return items.order_by().aggregate(latest=Max("updated_at"))["latest"]


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
