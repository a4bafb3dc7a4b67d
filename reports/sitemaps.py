"""Sitemap sections for the published Inception and End of Commitment reports."""

from plans.sitemaps import I18nSitemap
from reports.models import EndOfCommitmentReport, InceptionReport


class InceptionReportSitemap(I18nSitemap):
    changefreq = "yearly"
    priority = 0.6

    def items(self):
        return InceptionReport.objects.published().only("pk", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class EndOfCommitmentReportSitemap(I18nSitemap):
    changefreq = "yearly"
    priority = 0.6

    def items(self):
        return EndOfCommitmentReport.objects.published().only("pk", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at
