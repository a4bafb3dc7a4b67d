"""Create the site settings record with the default privacy notice and accessibility statement."""

from django.db import migrations

from portal import defaults


def create(apps, schema_editor):
    SiteSettings = apps.get_model("portal", "SiteSettings")
    if SiteSettings.objects.filter(pk=1).exists():
        return
    SiteSettings.objects.create(
        pk=1,
        name="",
        original_language="es",
        privacy_notice_es=defaults.PRIVACY["es"],
        privacy_notice_en=defaults.PRIVACY["en"],
        accessibility_statement_es=defaults.ACCESSIBILITY["es"],
        accessibility_statement_en=defaults.ACCESSIBILITY["en"],
    )


def remove(apps, schema_editor):
    apps.get_model("portal", "SiteSettings").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_site_settings_and_people")]
    operations = [migrations.RunPython(create, remove)]
