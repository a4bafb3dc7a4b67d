"""Bring the default privacy notice of an existing portal up to what the portal now keeps.

Only the sentences still as the earlier default wrote them are replaced: a notice the secretariat
rewrote is left as it is.
"""

from django.conf import settings
from django.db import migrations

FOLLOWS = {
    "en": (
        "Email follows: if you follow a commitment or a plan by email, your address and what you "
        "follow are kept until you unsubscribe, which every message lets you do with one click.",
        "Email follows: if you follow a commitment or a plan by email, your address, the language "
        "you chose and what you follow are kept until you unsubscribe, which every message lets "
        "you do with one click.\n\nEmails sent: every email the portal sends (a follow "
        "confirmation, a digest, a reminder, an invitation or a password reset) is recorded with "
        "its address, type, text, time and outcome, so that one that failed can be sent again and "
        "the secretariat can check that emails arrive. These records are deleted after {days} "
        "days. When you unsubscribe from everything, your address and the text of the emails sent "
        "to you are removed from them at once. Links to choose a password are never kept in them.",
    ),
    "es": (
        "Seguimiento por correo: si sigues un compromiso o un plan por correo electrónico, se "
        "guardan tu dirección y lo que sigues hasta que canceles la suscripción, algo que cada "
        "mensaje permite hacer con un clic.",
        "Seguimiento por correo: si sigues un compromiso o un plan por correo electrónico, se "
        "guardan tu dirección, el idioma que elegiste y lo que sigues hasta que canceles la "
        "suscripción, algo que cada mensaje permite hacer con un clic.\n\nCorreos enviados: cada "
        "correo que envía el portal (una confirmación de seguimiento, un resumen, un recordatorio, "
        "una invitación o un restablecimiento de contraseña) queda registrado con su dirección, "
        "tipo, texto, hora y resultado, para volver a enviar el que falle y para que el "
        "secretariado compruebe que los correos llegan. Estos registros se borran a los {days} "
        "días. Cuando cancelas todas tus suscripciones, tu dirección y el texto de los correos que "
        "recibiste se borran de ellos en ese momento. Los enlaces para elegir contraseña nunca se "
        "guardan en ellos.",
    ),
}
SIGN_IN = {
    "en": (
        "to lock out anyone guessing passwords. The secretariat can delete them.",
        "to lock out anyone guessing passwords. Only the portal's technical administrators can "
        "see or delete them; the secretariat cannot.",
    ),
    "es": (
        "para bloquear a quien intente adivinar contraseñas. El secretariado puede borrarlos.",
        "para bloquear a quien intente adivinar contraseñas. Solo las personas que administran "
        "técnicamente el portal pueden verlos o borrarlos; el secretariado no.",
    ),
}


def forwards(apps, schema_editor):
    days = str(getattr(settings, "EMAIL_LOG_DAYS", 90))
    for record in apps.get_model("portal", "SiteSettings").objects.all():
        changed = []
        for language in ("en", "es"):
            field = f"privacy_notice_{language}"
            text = getattr(record, field) or ""
            for old, new in (FOLLOWS[language], SIGN_IN[language]):
                if old in text:
                    text = text.replace(old, new.replace("{days}", days))
            if text != (getattr(record, field) or ""):
                setattr(record, field, text)
                changed.append(field)
        if changed:
            record.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_logo_in_public_storage")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
