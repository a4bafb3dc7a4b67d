"""Sitemap sections for the portal's fixed pages and every published commitment."""

from django.urls import reverse

from commitments.models import Commitment
from plans.sitemaps import I18nSitemap


class PagesSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return [
            "commitments:home",
            "commitments:list",
            "commitments:corrections",
            "plans:members",
            "plans:plans",
            "plans:institutions",
            "plans:forums",
            "opendata:index",
        ]

    def location(self, item):
        return reverse(item)


class CommitmentSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return Commitment.objects.published().only("pk", "ogp_id", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at
