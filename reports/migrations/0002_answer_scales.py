"""Seed the editable answer scales of the reports; the secretariat extends them in the admin."""

from django.db import migrations

SCALES = {
    "PracticeAnswer": [
        ("yes", "Yes", "Sí"),
        ("moderately", "Moderately", "Moderadamente"),
        ("no", "No", "No"),
    ],
    "CommitmentNature": [
        (
            "continuation",
            "a continuation of ongoing practice in line with existing legislation, policies or "
            "requirements.",
            "una continuación de una práctica en curso, conforme a la legislación, las políticas o "
            "los requisitos existentes.",
        ),
        (
            "new",
            "a new regulation, policy, practice or requirement.",
            "una nueva regulación, política, práctica o requisito.",
        ),
    ],
    "CommitmentChange": [
        (
            "binding-change",
            "will result in a change of the rules, practices or policies that govern a policy "
            "area, public sector and/or relationship between citizens and is binding or "
            "institutionalized across government or specific institution(s).",
            "dará lugar a un cambio en las reglas, prácticas o políticas que rigen un área de "
            "política pública, el sector público o la relación entre la ciudadanía, y es "
            "vinculante o está institucionalizado en todo el gobierno o en instituciones "
            "específicas.",
        ),
        (
            "standalone-change",
            "will result in a positive but standalone change that is not binding or "
            "institutionalized.",
            "dará lugar a un cambio positivo pero aislado, que no es vinculante ni está "
            "institucionalizado.",
        ),
    ],
    "ImplementationAnswer": [
        (
            "as-planned",
            "All of the commitment milestones were implemented as planned",
            "Todos los hitos del compromiso se implementaron según lo planeado",
        ),
        ("some-modified", "Some milestones were modified", "Algunos hitos se modificaron"),
        (
            "not-as-planned",
            "The commitment was not implemented as planned",
            "El compromiso no se implementó según lo planeado",
        ),
    ],
    "ProblemAnswer": [
        ("yes", "Yes", "Sí"),
        ("partially", "Partially", "Parcialmente"),
        ("no", "No", "No"),
    ],
}


def seed(apps, schema_editor):
    for model_name, rows in SCALES.items():
        model = apps.get_model("reports", model_name)
        for position, (slug, name, name_es) in enumerate(rows, start=1):
            model.objects.update_or_create(
                slug=slug, defaults={"name": name, "name_es": name_es, "position": position}
            )


def unseed(apps, schema_editor):
    for model_name, rows in SCALES.items():
        apps.get_model("reports", model_name).objects.filter(
            slug__in=[slug for slug, _name, _es in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
