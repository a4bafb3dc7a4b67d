"""The Secretariat moderates comments: give the group the Comment model's permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("view_comment", "change_comment", "delete_comment")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    secretariat.permissions.add(
        *Permission.objects.filter(content_type__app_label="commitments", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Secretariat"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="commitments", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0004_search"),
        ("plans", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
