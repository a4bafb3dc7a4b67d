"""Bilingual building blocks for ``generate_scale``: varied, plausible Spanish and English texts.

Every phrase is a pair (Spanish, English) so both language columns read naturally; a generator
combines topics, actions, places and outcomes so no two commitments read the same.
"""

from __future__ import annotations

import random

PLACE_ROOTS = (
    "Tlal",
    "Chal",
    "Teo",
    "Ixta",
    "Zina",
    "Coa",
    "Hue",
    "Ocu",
    "Tena",
    "Xona",
    "Mali",
    "Temo",
    "Acol",
    "Atla",
    "Cuau",
    "Tepo",
    "Zum",
    "Ame",
    "Jilo",
    "Almo",
    "Villa",
    "Otum",
    "Capu",
    "Tula",
)
PLACE_ENDINGS = (
    "nepantla",
    "co",
    "tepec",
    "pan",
    "huacán",
    "titlán",
    "zingo",
    "lalpan",
    "mulco",
    "yuca",
    "tenango",
    "cingo",
    "pulco",
    "maya",
    "huetoca",
    "nalco",
    "zaga",
    "tlán",
    "ayucan",
    "loya",
)
SAINTS = ("San Juan", "San Pedro", "Santa María", "San Miguel", "Santiago", "San Andrés", "")

COUNTRIES = (
    ("México", "Mexico", "MX"),
    ("Colombia", "Colombia", "CO"),
    ("Argentina", "Argentina", "AR"),
    ("Chile", "Chile", "CL"),
    ("Perú", "Peru", "PE"),
    ("España", "Spain", "ES"),
    ("Brasil", "Brazil", "BR"),
    ("Guatemala", "Guatemala", "GT"),
    ("Costa Rica", "Costa Rica", "CR"),
    ("Uruguay", "Uruguay", "UY"),
    ("Paraguay", "Paraguay", "PY"),
    ("Ecuador", "Ecuador", "EC"),
    ("Honduras", "Honduras", "HN"),
    ("Panamá", "Panama", "PA"),
    ("Filipinas", "Philippines", "PH"),
    ("Kenia", "Kenya", "KE"),
    ("Nigeria", "Nigeria", "NG"),
    ("Francia", "France", "FR"),
    ("Italia", "Italy", "IT"),
    ("Canadá", "Canada", "CA"),
    ("Indonesia", "Indonesia", "ID"),
    ("Ucrania", "Ukraine", "UA"),
    ("Georgia", "Georgia", "GE"),
    ("Escocia", "Scotland", "SC"),
)

LOCAL_KINDS = (
    ("Municipio de {p}", "Municipality of {p}"),
    ("Estado de {p}", "{p} State"),
    ("Ciudad de {p}", "City of {p}"),
    ("Gobierno de {p}", "Government of {p}"),
    ("Provincia de {p}", "{p} Province"),
)

AREAS = (
    ("Justicia y Derechos Humanos", "Justice and Human Rights"),
    ("Finanzas", "Finance"),
    ("Salud", "Health"),
    ("Educación", "Education"),
    ("Movilidad", "Mobility"),
    ("Medio Ambiente", "Environment"),
    ("Desarrollo Social", "Social Development"),
    ("Seguridad Ciudadana", "Citizen Security"),
    ("Obras Públicas", "Public Works"),
    ("Contraloría", "Comptroller"),
    ("Agua y Saneamiento", "Water and Sanitation"),
    ("Igualdad de Género", "Gender Equality"),
    ("Cultura", "Culture"),
    ("Desarrollo Económico", "Economic Development"),
    ("Gobierno Digital", "Digital Government"),
)

INSTITUTION_KINDS = (
    ("state_executive", "Secretaría de {a} de {p}", "Ministry of {a} of {p}", "government"),
    ("municipal", "Dirección de {a} del Municipio de {p}", "{a} Department of {p}", "government"),
    ("autonomous", "Instituto de {a} de {p}", "{p} Institute of {a}", "government"),
    ("judiciary", "Tribunal Superior de {p}", "{p} High Court", "government"),
    ("legislature", "Congreso de {p}", "{p} Congress", "government"),
    ("electoral", "Instituto Electoral de {p}", "{p} Electoral Institute", "government"),
    (
        "human_rights",
        "Comisión de Derechos Humanos de {p}",
        "{p} Human Rights Commission",
        "government",
    ),
    (
        "civil_society",
        "Colectivo Ciudadano por {a} en {p}",
        "Citizens for {a} in {p}",
        "non_governmental",
    ),
    ("academia", "Universidad Autónoma de {p}", "Autonomous University of {p}", "non_governmental"),
    ("private", "Cámara de Comercio de {p}", "{p} Chamber of Commerce", "non_governmental"),
    ("other", "Observatorio de {a} de {p}", "{p} {a} Observatory", "non_governmental"),
)

TOPICS = (
    ("la contratación pública", "public procurement"),
    ("el presupuesto participativo", "participatory budgeting"),
    ("el acceso a la justicia", "access to justice"),
    ("la atención a víctimas", "support for victims"),
    ("la obra pública", "public works"),
    ("los servicios de salud", "health services"),
    ("la calidad del agua", "water quality"),
    ("la seguridad ciudadana", "citizen security"),
    ("la igualdad de género", "gender equality"),
    ("las personas desaparecidas", "missing persons"),
    ("los trámites municipales", "municipal procedures"),
    ("el transporte público", "public transport"),
    ("la gestión de residuos", "waste management"),
    ("las becas escolares", "school grants"),
    ("los programas sociales", "social programmes"),
    ("la participación de jóvenes", "youth participation"),
    ("las declaraciones patrimoniales", "asset declarations"),
    ("la protección de datos personales", "personal data protection"),
    ("los pueblos indígenas", "indigenous peoples"),
    ("el cambio climático", "climate change"),
)

ACTIONS = (
    ("Publicar en datos abiertos la información sobre {t}", "Publish open data on {t}"),
    ("Crear un observatorio ciudadano de {t}", "Create a citizen observatory of {t}"),
    (
        "Instalar mesas de diálogo con la sociedad civil sobre {t}",
        "Hold dialogue roundtables with civil society on {t}",
    ),
    (
        "Desarrollar una plataforma digital de seguimiento de {t}",
        "Build a digital platform to follow {t}",
    ),
    (
        "Capacitar a servidores públicos en transparencia sobre {t}",
        "Train public servants in transparency about {t}",
    ),
    (
        "Establecer un mecanismo de rendición de cuentas sobre {t}",
        "Set up an accountability mechanism for {t}",
    ),
    (
        "Co-crear con la ciudadanía un protocolo para {t}",
        "Co-create with citizens a protocol for {t}",
    ),
    ("Fortalecer la vigilancia social de {t}", "Strengthen social monitoring of {t}"),
)

PROBLEMS = (
    (
        "La información sobre {t} está dispersa, incompleta y no se publica en formatos reutilizables.",
        "Information on {t} is scattered, incomplete and not published in reusable formats.",
    ),
    (
        "La ciudadanía no tiene espacios para opinar ni dar seguimiento a {t}.",
        "Citizens have no space to give their views on or follow {t}.",
    ),
    (
        "Existen quejas recurrentes por la falta de transparencia en {t}.",
        "There are recurring complaints about the lack of transparency in {t}.",
    ),
    (
        "Las decisiones sobre {t} se toman sin datos ni evaluación pública.",
        "Decisions on {t} are taken without data or public evaluation.",
    ),
)

STATUS_QUO = (
    (
        "Hoy {n} de cada diez solicitudes de información sobre {t} se responden fuera de plazo.",
        "Today {n} in ten information requests about {t} are answered late.",
    ),
    (
        "Solo {n} dependencias publican datos sobre {t}, sin una norma común.",
        "Only {n} agencies publish data on {t}, without a common standard.",
    ),
    (
        "En el último año se registraron {n} quejas ciudadanas relacionadas con {t}.",
        "Last year {n} citizen complaints related to {t} were filed.",
    ),
)

GOALS = (
    (
        "Un gobierno abierto que rinde cuentas de forma proactiva sobre {t}.",
        "An open government that proactively accounts for {t}.",
    ),
    (
        "Que cualquier persona pueda consultar, entender y vigilar {t}.",
        "That anyone can look up, understand and monitor {t}.",
    ),
    (
        "Reducir la corrupción y mejorar la confianza pública en {t}.",
        "To reduce corruption and improve public trust in {t}.",
    ),
)

MILESTONES = (
    ("Diagnóstico participativo sobre {t}", "Participatory assessment of {t}"),
    (
        "Mesa de trabajo con organizaciones de la sociedad civil",
        "Working session with civil society organisations",
    ),
    ("Publicación del primer conjunto de datos abiertos", "Publication of the first open dataset"),
    ("Diseño del micrositio de seguimiento", "Design of the monitoring microsite"),
    ("Capacitación a {n} servidores públicos", "Training for {n} public servants"),
    ("Consulta pública en línea", "Online public consultation"),
    ("Aprobación del lineamiento institucional", "Approval of the institutional guideline"),
    ("Informe público de resultados", "Public report of results"),
    ("Evaluación independiente del compromiso", "Independent evaluation of the commitment"),
    ("Foro abierto de rendición de cuentas", "Open accountability forum"),
)

NOTES = (
    (
        "Se entregó la minuta de la sesión y la lista de asistencia.",
        "The minutes of the session and the attendance list were delivered.",
    ),
    (
        "El avance se retrasó por cambios en la administración.",
        "Progress was delayed by changes in the administration.",
    ),
    (
        "Se publicaron los datos en el portal y se notificó a las organizaciones.",
        "The data were published on the portal and the organisations were notified.",
    ),
    ("Falta la validación del área jurídica.", "The legal department's approval is pending."),
    ("Se realizó la sesión con {n} participantes.", "The session was held with {n} participants."),
    ("Sin presupuesto asignado este trimestre.", "No budget was assigned this quarter."),
)

COMMENTS = (
    ("¿Dónde se pueden consultar los datos publicados?", "Where can the published data be found?"),
    (
        "Muy buena iniciativa, ojalá se cumpla en tiempo.",
        "A very good initiative; I hope it is on time.",
    ),
    (
        "No encuentro la minuta de la última sesión.",
        "I cannot find the minutes of the last session.",
    ),
    ("Propongo incluir a las comunidades rurales.", "I suggest including rural communities."),
    ("¿Quién es responsable de este hito?", "Who is responsible for this milestone?"),
)

DOCUMENTS = (
    ("Minuta de la sesión ordinaria", "Minutes of the ordinary session"),
    ("Informe de avance", "Progress report"),
    ("Resultados de la consulta pública", "Results of the public consultation"),
    ("Carta de adhesión", "Letter of adhesion"),
    ("Autoevaluación del plan", "Self-assessment of the plan"),
    ("Video de la mesa temática", "Video of the thematic roundtable"),
)

VISION = (
    (
        "Un gobierno abierto, cercano y que rinde cuentas a {p}.",
        "An open, close and accountable government for {p}.",
    ),
    (
        "Consolidar la participación ciudadana como práctica cotidiana en {p}.",
        "Make citizen participation an everyday practice in {p}.",
    ),
)


def place(rng: random.Random) -> str:
    """A plausible Mexican-sounding place name."""
    name = rng.choice(PLACE_ROOTS) + rng.choice(PLACE_ENDINGS)
    saint = rng.choice(SAINTS)
    return f"{saint} {name}" if saint and rng.random() < 0.3 else name


def pair(rng: random.Random, options, **values) -> tuple[str, str]:
    """One phrase in both languages, filled with the same values; topics in each language."""
    es, en = rng.choice(options)
    es_values = {k: (v[0] if isinstance(v, tuple) else v) for k, v in values.items()}
    en_values = {k: (v[1] if isinstance(v, tuple) else v) for k, v in values.items()}
    return es.format(**es_values), en.format(**en_values)


def paragraph(rng: random.Random, topic, sentences: int, *groups) -> tuple[str, str]:
    """Several sentences from ``groups`` about ``topic``, in both languages."""
    es, en = [], []
    for _ in range(sentences):
        one_es, one_en = pair(rng, rng.choice(groups), t=topic, n=rng.randint(2, 900), p="")
        es.append(one_es)
        en.append(one_en)
    return " ".join(es), " ".join(en)
