"""Create the Secretariat, Implementer and Evaluator groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT_APPS = ("plans", "commitments")
# The public history is written only by the status service and never edited afterwards.
HISTORY_MODELS = ("milestoneupdate", "evidencelink")
IMPLEMENTER_PERMISSIONS = (
    ("commitments", "view_milestone"),
    ("commitments", "change_milestone"),
    ("commitments", "view_milestoneupdate"),
    ("commitments", "view_evidencelink"),
)


def ensure_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    perms = Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS)
    perms = perms.exclude(
        content_type__model__in=HISTORY_MODELS,
        codename__regex=r"^(add|change|delete)_",
    )
    secretariat.permissions.add(*perms)

    implementer, _ = Group.objects.get_or_create(name="Implementer")
    for app_label, codename in IMPLEMENTER_PERMISSIONS:
        implementer.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )

    Group.objects.get_or_create(name="Evaluator")


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Secretariat", "Implementer", "Evaluator"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("commitments", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
