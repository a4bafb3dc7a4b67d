"""The privacy notice and accessibility statement a new installation starts with.

The data migration copies them into the site settings, where the secretariat edits them; a page
whose text was emptied shows these again rather than nothing. Paragraphs are separated by a
blank line; a line starting with "## " is a heading. The privacy notice states how many days
the sent-email log keeps an email (EMAIL_LOG_DAYS).
"""

from django.conf import settings

PRIVACY = {
    "en": """This portal is run by the Local Technical Secretariat named below. It keeps only the personal data it needs to publish the action plans, receive citizens' comments and let the people who keep the information up to date sign in.

## What is stored and why

Accounts of the secretariat, implementers and evaluators: name, email address, user name, a one-way hash of the password (never the password itself), the institutions an implementer works for, the date of the last sign-in and, for those who turn it on, the secret of their two-factor code app. They are needed to sign in and to record who changed what: every status change of a milestone shows the institution that reported it.

Comments: the name and text you write are published once the secretariat approves them; your email address is never shown and is used only to contact you about your comment. Your network address is kept for a few minutes to limit how many comments one address can send.

Email follows: if you follow a commitment or a plan by email, your address, the language you chose and what you follow are kept until you unsubscribe, which every message lets you do with one click.

Emails sent: every email the portal sends (a follow confirmation, a digest, a reminder, an invitation or a password reset) is recorded with its address, type, text, time and outcome, so that one that failed can be sent again and the secretariat can check that emails arrive. These records are deleted after {days} days. When you unsubscribe from everything, your address and the text of the emails sent to you are removed from them at once. Links to choose a password are never kept in them.

Sign-in records: the user name, network address, browser and time of each sign-in and of each failed attempt, to lock out anyone guessing passwords. Only the portal's technical administrators can see or delete them; the secretariat cannot.

## What is not done

The portal sets no advertising or tracking cookies and shares no personal data with third parties. The only cookies are the session of a signed-in person, the security token of forms and the language chosen.

## Your rights

You can ask to see, correct or delete your personal data, or object to its use, by writing to the contact below.""",
    "es": """Este portal lo administra el Secretariado Técnico Local que aparece abajo. Guarda solo los datos personales que necesita para publicar los planes de acción, recibir los comentarios de la ciudadanía y permitir que inicien sesión las personas que mantienen la información al día.

## Qué se guarda y para qué

Cuentas del secretariado, de las instituciones implementadoras y de las personas evaluadoras: nombre, correo electrónico, nombre de usuario, un resumen cifrado de la contraseña (nunca la contraseña), las instituciones para las que trabaja cada implementador, la fecha del último inicio de sesión y, para quien lo active, el secreto de su aplicación de códigos de verificación en dos pasos. Sirven para iniciar sesión y para registrar quién cambió qué: cada cambio de estado de un hito muestra la institución que lo reportó.

Comentarios: el nombre y el texto que escribes se publican cuando el secretariado los aprueba; tu correo electrónico nunca se muestra y solo se usa para contactarte sobre tu comentario. Tu dirección de red se guarda unos minutos para limitar cuántos comentarios puede enviar una misma dirección.

Seguimiento por correo: si sigues un compromiso o un plan por correo electrónico, se guardan tu dirección, el idioma que elegiste y lo que sigues hasta que canceles la suscripción, algo que cada mensaje permite hacer con un clic.

Correos enviados: cada correo que envía el portal (una confirmación de seguimiento, un resumen, un recordatorio, una invitación o un restablecimiento de contraseña) queda registrado con su dirección, tipo, texto, hora y resultado, para volver a enviar el que falle y para que el secretariado compruebe que los correos llegan. Estos registros se borran a los {days} días. Cuando cancelas todas tus suscripciones, tu dirección y el texto de los correos que recibiste se borran de ellos en ese momento. Los enlaces para elegir contraseña nunca se guardan en ellos.

Registros de inicio de sesión: el nombre de usuario, la dirección de red, el navegador y la hora de cada inicio de sesión y de cada intento fallido, para bloquear a quien intente adivinar contraseñas. Solo las personas que administran técnicamente el portal pueden verlos o borrarlos; el secretariado no.

## Qué no se hace

El portal no usa cookies de publicidad ni de rastreo y no comparte datos personales con terceros. Las únicas cookies son la sesión de quien inicia sesión, el código de seguridad de los formularios y el idioma elegido.

## Tus derechos

Puedes pedir ver, corregir o borrar tus datos personales, u oponerte a su uso, escribiendo al contacto que aparece abajo.""",
}
PRIVACY = {
    language: text.replace("{days}", str(settings.EMAIL_LOG_DAYS))
    for language, text in PRIVACY.items()
}

ACCESSIBILITY = {
    "en": """This portal aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA, so that everyone can follow the action plans, including people who use a screen reader, a keyboard only, a magnifier or a phone.

## What has been done

Every page has a logical heading structure, landmarks and a link to skip to the content; it can be used with the keyboard alone, works from 320 pixels wide and does not rely on colour alone: every status is also written in words. Pages are available in Spanish and English, and text shown in the other language is marked as such. Pages are checked automatically for valid HTML and common accessibility errors before each release.

## Known limitations

Documents published by other institutions (PDF files, videos) may not be accessible; where you need one in another format, ask us.

## Report a barrier

If something on this portal is hard or impossible for you to use, write to the contact below, saying which page and what happened. We will answer and, where we can, fix it or send you the information in a format you can use.""",
    "es": """Este portal busca cumplir las Pautas de Accesibilidad para el Contenido Web (WCAG) 2.2 en el nivel AA, para que cualquier persona pueda seguir los planes de acción, incluidas quienes usan un lector de pantalla, solo el teclado, una lupa o un teléfono.

## Qué se ha hecho

Cada página tiene una estructura de encabezados lógica, regiones y un enlace para saltar al contenido; se puede usar solo con el teclado, funciona desde 320 píxeles de ancho y no depende solo del color: cada estado también se escribe con palabras. Las páginas están en español e inglés, y el texto que se muestra en el otro idioma está marcado. Antes de cada versión se revisa automáticamente que el HTML sea válido y que no haya errores de accesibilidad comunes.

## Limitaciones conocidas

Los documentos que publican otras instituciones (archivos PDF, videos) pueden no ser accesibles; si necesitas alguno en otro formato, pídenoslo.

## Reporta una barrera

Si algo en este portal te resulta difícil o imposible de usar, escribe al contacto que aparece abajo e indica en qué página y qué ocurrió. Te responderemos y, cuando sea posible, lo corregiremos o te enviaremos la información en un formato que puedas usar.""",
}
