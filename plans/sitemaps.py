"""Sitemap sections for members, action plans, institutions and secretariats."""

from django.contrib.sitemaps import Sitemap

from plans.models import ActionPlan, Forum, Institution, Member


class I18nSitemap(Sitemap):
    """Every page in every language, each listing its translations."""

    i18n = True
    alternates = True
    x_default = True


class MemberSitemap(I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Member.objects.order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ActionPlanSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ActionPlan.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class InstitutionSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        # Every institution has a public page, linked from a commitment, a forum or a meeting.
        return Institution.objects.order_by("pk")


class ForumSitemap(I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Forum.objects.order_by("pk")
