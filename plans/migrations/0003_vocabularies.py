"""Seed the vocabularies OGP uses; the secretariat extends them in the admin."""

from django.db import migrations

OGP_VALUES = [
    ("access-to-information", "Access to information", "Acceso a la información"),
    ("civic-participation", "Civic participation", "Participación cívica"),
    ("public-accountability", "Public accountability", "Rendición de cuentas"),
    (
        "technology-and-innovation",
        "Technology and innovation for openness and accountability",
        "Tecnología e innovación",
    ),
]

POLICY_AREAS = [
    ("right-to-information", "Right to Information", "Derecho a la información"),
    ("access-to-justice", "Access to Justice", "Acceso a la justicia"),
    ("anti-corruption", "Anti-Corruption", "Anticorrupción"),
    ("open-data", "Open Data", "Datos abiertos"),
    ("fiscal-openness", "Fiscal Openness", "Apertura fiscal"),
    ("public-participation", "Public Participation", "Participación pública"),
    ("judiciary", "Judiciary", "Poder judicial"),
    ("gender", "Gender", "Género"),
    ("marginalized-communities", "Marginalized Communities", "Comunidades marginadas"),
    ("open-contracting", "Open Contracting", "Contrataciones abiertas"),
    ("human-rights", "Human Rights", "Derechos humanos"),
    ("security-and-public-safety", "Security and Public Safety", "Seguridad pública"),
    ("legislation-and-regulation", "Legislation & Regulation", "Legislación y regulación"),
    ("capacity-building", "Capacity Building", "Desarrollo de capacidades"),
]

SECTORS = [("other-na", "Other/NA", "Otro/No aplica")]


def seed(apps, schema_editor):
    for model_name, rows in (
        ("OGPValue", OGP_VALUES),
        ("PolicyArea", POLICY_AREAS),
        ("Sector", SECTORS),
    ):
        model = apps.get_model("plans", model_name)
        for position, (slug, name, name_es) in enumerate(rows, start=1):
            model.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_es": name_es, "position": position}
            )


def unseed(apps, schema_editor):
    for model_name, rows in (
        ("OGPValue", OGP_VALUES),
        ("PolicyArea", POLICY_AREAS),
        ("Sector", SECTORS),
    ):
        apps.get_model("plans", model_name).objects.filter(
            slug__in=[slug for slug, _name, _es in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_roles")]

    operations = [migrations.RunPython(seed, unseed)]
