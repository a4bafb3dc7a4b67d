from plans.sitemaps import I18nSitemap
from portal.views import legal_url


class LegalPagesSitemap(I18nSitemap):
    """The privacy notice and the accessibility statement, under each language's address."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return ["privacy", "accessibility"]

    def location(self, item):
        return legal_url(item)  # the sitemap activates each language in turn
