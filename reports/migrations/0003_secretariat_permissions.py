"""Give the Secretariat group the reports' permissions; evaluators work outside the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Status changes are written only by the services and never edited afterwards.
HISTORY_MODELS = ("transition",)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _created = Group.objects.get_or_create(name="Secretariat")
    perms = Permission.objects.filter(content_type__app_label="reports").exclude(
        content_type__model__in=HISTORY_MODELS, codename__regex=r"^(add|change|delete)_"
    )
    secretariat.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.remove(
            *Permission.objects.filter(content_type__app_label="reports")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_answer_scales"),
        ("plans", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
