"""Give the Secretariat group what it needs of notifications in the admin.

It reads the sent log, followers and sent reminders, edits the reminder settings, and may delete
a follower (a person asking to be forgotten); it never writes the logs by hand.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_sentemail",
    "view_sentreminder",
    "view_follower",
    "delete_follower",
    "view_subscription",
    "delete_subscription",
    "view_notificationsettings",
    "change_notificationsettings",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("notifications")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat, _created = Group.objects.get_or_create(name="Secretariat")
    secretariat.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="notifications", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    secretariat = Group.objects.filter(name="Secretariat").first()
    if secretariat:
        secretariat.permissions.remove(
            *Permission.objects.filter(content_type__app_label="notifications")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("plans", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
