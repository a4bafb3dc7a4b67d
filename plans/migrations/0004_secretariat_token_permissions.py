"""Let the Secretariat group issue and revoke API tokens in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TOKEN_MODELS = ("token", "tokenproxy")


def token_permissions(apps):
    app_config = apps.get_app_config("authtoken")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="authtoken", content_type__model__in=TOKEN_MODELS
    )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    secretariat, _ = Group.objects.get_or_create(name="Secretariat")
    secretariat.permissions.add(*token_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for secretariat in Group.objects.filter(name="Secretariat"):
        secretariat.permissions.remove(*token_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_vocabularies"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
