from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataImportConfig(AppConfig):
    name = "dataimport"
    verbose_name = _("Data import")
