# ruff: noqa: E501  (the reports’ own prose, kept verbatim)
"""Demo reports built from OGP's published pages (seeds 002 and 003), loaded by ``loaddemo``.

``load_demo_reports`` looks the plan up by title and the commitment by OGP ID (both loaded by the
plans and commitments demo), then writes every answer of the two reports the way ``loaddemo``
writes every seed text (its ``Loader``): the evaluators' English as the original and its
translation from ``fixtures/translations.py`` as the Spanish version. It only fills what is
empty, so a second run changes nothing and the secretariat's edits (a corrected translation,
a report returned to draft) stay. Answers the published pages leave blank stay empty.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction

from commitments.models import Commitment
from plans.management.commands.loaddemo import TRANSLATIONS_FILE, Loader, load_data
from plans.models import ActionPlan
from reports.models import (
    CommitmentAssessment,
    CommitmentChange,
    CommitmentNature,
    EndOfCommitmentReport,
    ImplementationAnswer,
    InceptionReport,
    PracticeAnswer,
    Status,
    Transition,
)

PLAN_TITLE = "Action plan – Mexico State, Mexico, 2021 – 2022"
INCEPTION_EVALUATORS = "Oscar Javier Islas Jiménez"
END_OF_COMMITMENT_OGP_ID = "MXMEX0009"
END_OF_COMMITMENT_EVALUATORS = (
    "Carlos de la Peña Jimenez O’Farril, Daniel Rosemberg Cervantes Perez, Jesus Ponce Rubio"
)
IMPORT_NOTE = "Loaded from the report published on the Open Government Partnership website."

SCALE_FIELDS = {
    "practice_website": PracticeAnswer,
    "practice_advance_information": PracticeAnswer,
    "practice_public_inputs": PracticeAnswer,
    "practice_feedback": PracticeAnswer,
    "practice_dialogue": PracticeAnswer,
    "practice_inclusive_forum": PracticeAnswer,
    "nature": CommitmentNature,
    "change": CommitmentChange,
    "as_planned": ImplementationAnswer,
}


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _answers(answers: dict) -> dict:
    """The answers as field values: a scale answer is its term, looked up by slug."""
    return {
        name: SCALE_FIELDS[name].objects.get(slug=value) if name in SCALE_FIELDS else value
        for name, value in answers.items()
    }


def _match(commitments: list[Commitment], position: int, title: str) -> Commitment | None:
    """The plan's commitment for a Section 3 block: by title, else by its number in the plan."""
    wanted = _normal(title)
    for commitment in commitments:
        for have in {_normal(commitment.title_en or ""), _normal(commitment.title_es or "")}:
            if have and (have == wanted or wanted.startswith(have) or have.startswith(wanted)):
                return commitment
    by_number = [c for c in commitments if c.number == position]
    return by_number[0] if len(by_number) == 1 else None


def _publish(report) -> None:
    """Publish a report the demo has just created, with its transition."""
    key = "inception_report" if isinstance(report, InceptionReport) else "end_of_commitment_report"
    Transition.objects.create(
        **{key: report},
        from_status=report.status,
        to_status=Status.PUBLISHED,
        comment=IMPORT_NOTE,
    )
    report.status = Status.PUBLISHED
    # OGP's pages give no publication date: none is made up (the page shows no date).
    report.save()


@transaction.atomic
def load_demo_reports(stdout, loader: Loader | None = None) -> None:
    """Load, complete and published, the Inception Report of seed 002 and the End of Commitment
    Report of seed 003.

    ``loader`` is ``loaddemo``'s, whose summary then counts the reports' rows too; called on
    its own, the function reads the demo's translations itself. A report is published when
    this creates it; one already there keeps its status.
    """
    loader = loader or Loader(load_data(TRANSLATIONS_FILE))
    plan = ActionPlan.objects.rewrite(False).filter(title=PLAN_TITLE).first()  # the original
    if plan is None:
        stdout.write(f"Skipped the demo reports: no action plan titled “{PLAN_TITLE}”.")
        return

    created = not InceptionReport.objects.filter(action_plan=plan).exists()
    report = loader.sync(
        "Inception Reports",
        InceptionReport,
        {"action_plan": plan},
        {
            "action_plan": plan,
            "evaluator_names": INCEPTION_EVALUATORS,
            **_answers(INCEPTION_ANSWERS),
        },
    )
    commitments = list(plan.commitments.all())
    matched = 0
    for position, title, answers in INCEPTION_ASSESSMENTS:
        commitment = _match(commitments, position, title)
        if commitment is None:
            stdout.write(f"  No commitment of the plan matches block {position}: “{title}”.")
            continue
        loader.sync(
            "Commitment assessments",
            CommitmentAssessment,
            {"report": report, "commitment": commitment},
            {"report": report, "commitment": commitment, "position": position, **_answers(answers)},
        )
        matched += 1
    if created:
        _publish(report)
    stdout.write(
        f"Inception Report – {plan.title}: {'created' if created else 'already loaded'}, "
        f"{matched} of {len(INCEPTION_ASSESSMENTS)} commitment assessments."
    )

    commitment = Commitment.objects.filter(ogp_id=END_OF_COMMITMENT_OGP_ID).first()
    if commitment is None:
        stdout.write(
            f"Skipped the End of Commitment Report: no commitment {END_OF_COMMITMENT_OGP_ID}."
        )
        return
    eoc_plan = commitment.action_plans.filter(pk=plan.pk).first() or commitment.action_plans.first()
    created = not EndOfCommitmentReport.objects.filter(commitment=commitment).exists()
    end_report = loader.sync(
        "End of Commitment Reports",
        EndOfCommitmentReport,
        {"commitment": commitment},
        {
            "commitment": commitment,
            "action_plan": eoc_plan,
            "evaluator_names": END_OF_COMMITMENT_EVALUATORS,
            **_answers(END_OF_COMMITMENT_ANSWERS),
        },
    )
    if created:
        _publish(end_report)
    stdout.write(
        f"End of Commitment Report – {commitment.title}: "
        f"{'created' if created else 'already loaded'}."
    )


# ---------------------------------------------------------------------------------------------
# Seed 002: Inception Report – Action plan – Mexico State, Mexico, 2021 – 2022
# (OGP's glossary pop-ups, scraped into the page text, are left out.)
# ---------------------------------------------------------------------------------------------

INCEPTION_ANSWERS = {
    # 1.1
    "forum_exists": "yes",
    "forum_exists_explanation": "The local government, with the support of non-governmental actors (Ministry of Justice and Human Rights in coordination with the Municipality of Tlalnepantla de Baz, the Institute of Transparency, Access to Public Information and Protection of Personal Data of the State of Mexico and Municipalities ( INFOEM), Political Border, México Evalúa and the Monterrey Institute of Technology and Higher Education (ITESM), Toluca campus) had a space for participation to develop and review the action plan through the following means:\n- Virtual thematic panels\n- Open dialogues\n- Public consultation\nAdditionally, there is a forum, which is called the Local Technical Secretariat and is the deliberative space in which government authorities and civil society monitor and comply with the commitments established in the Local Action Plan. The STL is made up of a representative of the Local Guarantor Body (INFOEM), a Representative of the Executive Branch of the State Government (Secretariat of the Comptroller’s Office) and a representative of civil society organizations (Mtro. Oscar Javier Islas Jiménez), in addition to to have the participation of the Electoral Institute of the State of Mexico and the Judicial Power of the State of Mexico, each one with a commitment framed within the PAL.",
    "forum_exists_evidence": "https://ogplocaledomex.com.mx/\nhttps://www.youtube.com/playlist?list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9\nhttps://www.youtube.com/watch?v=rUACUIRg8gE&list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9&index=2\nhttps://www.youtube.com/watch?v=blRhroZamws&list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9&index=3",
    # 1.2
    "forum_multistakeholder": "yes",
    "forum_multistakeholder_explanation": "In the open dialogues carried out between the Ministry of Justice and Human Rights, INFOEM, the Local Technical Secretariat, civil society organizations and academia, people from the academic field, civil society organizations, the general public, and public employees of the State of Mexico.\nIn addition, a call was published for the citizens of the State of Mexico and civil society organizations to join in participating in four on line thematics summit. This call was available from October 1 to 15, 2021.\nSimilarly, the STL is made up of a representative of the Local Guarantor Body (INFOEM), a Representative of the Executive Branch of the State government (Secretariat of the Comptroller’s Office) and a representative of civil society organizations (Mtro. Oscar Javier Islas Jiménez), in addition to the participation of the Electoral Institute of the State of Mexico and the Judicial Power of the State of Mexico, each with a commitment framed within the PAL. Likewise, in the co-creation and follow-up tables of proactive commitments, various civil society organizations that accompany government actors participated.",
    "forum_multistakeholder_evidence": "• Mesa: Innovación tecnológica para la transparencia pública\nActor encargado de la coordinación: ITESM, Campus Toluca\nFecha: 19 de octubre 2021\nVer el desarrollo de la mesa en:\nhttps://www.youtube.com/playlist?list=PLYi4lbIAFu_tLAQH7PmC7tXMndHa2VNd_\n• Mesa: Acceso a la justicia y justicia itinerante\nActor encargado de la coordinación: México Evalúa\nFecha: 22 de octubre 2021\nVer el desarrollo de la mesa en:\nhttps://www.youtube.com/playlist?list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9\n• Mesa: Justicia cotidiana\nActor encargado de la coordinación: Borde Político\nFecha: 27 de octubre 2021\nVer el desarrollo de la mesa en:\nhttps://www.youtube.com/playlist?list=PLYi4lbIAFu_tcGx43oN9mKqxapzooLPyf\n• Mesa: Derecho a la información y rendición de cuentas\nActor encargado de la coordinación: Infoem\nFecha: 29 de octubre 2021\nVer el desarrollo de la mesa en:\nhttps://www.youtube.com/playlist?list=PLYi4lbIAFu_tHBUZaQ_Q8QTbJgrC89Hxs\nOpen dialogue between Infoem, civil society organizations and academia.\nOn February 5, 2021, an “Open Dialogue” exercise was organized, which made it possible to reinforce the lines of action proactively proposed by Infoem. For this exercise, people from the academic field, civil society organizations, the general public, municipal presidents and public servants of Obliged Subjects were summoned. The final result of this activity contributed to the actions that the Transparency Guarantor Body will assume in the entity.\nOpen Dialogue between IEEM, civil society organizations and academia.\nWithin the framework of the construction of the IEEM Proactive Commitment, the “Study on the Quality of Citizenship in the State of Mexico” was presented, which was carried out virtually, on July 9, 2020. The aforementioned Study It served as a first input for the detection of the problem that was later systematized in the problem tree and to which the proactive commitment would seek to solve. Taking such a document as a reference, on March 5, 2021, the state Electoral Institute convened civil society organizations, academics and members of the Local Technical Secretariat for the “Open Dialogue” exercise, in which the presentation of the platform collectively called Decides IEEM, as a mechanism for interaction with citizens that would allow them to have information on political parties and candidacies that were presented in the 2021 Electoral Process.",
    # 1.3
    "forum_meeting": "yes",
    "forum_meeting_explanation": "Two open dialogues were held, one promoted by Infoem and the other by IEEM.\nFour virtual dialogue roundtables were held in which the meetings where members of civil society and non-governmental organizations participated were visualized and through a call to the citizens of the State of Mexico and civil society organizations they were invited to participate. This call was available from October 1 to 15, 2021.\nIn addition, an online citizen consultation was launched from July 5 to September 3, 2021 in order to gather the opinions of the people regarding the issue of access to justice for vulnerable groups, as well as the issue of transparent government. As a result, the participation of 2,790 people was obtained, of which 1,873 sent their proposals regarding the axis of access to justice for vulnerable groups, while 899 participated in the axis of transparent government and another 18 people formulated opinions through the axis of other proposals.\nAdditionally, the STL has a scheduled and approved calendar of sessions, which are held bimonthly in order to give continuity to the commitments that derive from the Local Action Plan, in accordance with the Methodology for the Construction of the 1st Action Plan of Open Government.",
    "forum_meeting_evidence": "• https://ogplocaledomex.com.mx/\n• https://ogplocaledomex.com.mx/Primer%20Plan%20de%20Acci%C3%B3n%20Local%20de%20Gobierno%20Abierto%20del%20Estado%20de%20M%C3%A9xico.pdf\n• https://www.youtube.com/playlist?list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9\n• https://www.youtube.com/watch?v=rUACUIRg8gE&list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9&index=2\n• https://www.youtube.com/watch?v=blRhroZamws&list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9&index=3\n• https://www.youtube.com/watch?v=kVqYDvoaFwo\n• https://www.infoem.org.mx/es/contenido/eventos/primer-foro-de-gobierno-abierto",
    # 1.4
    "plan_endorsed": "yes",
    "plan_endorsed_explanation": "The Local Action Plan of the State of Mexico was endorsed and signed by all members of the Local Technical Secretariat, by the Secretary of Justice and Human Rights of the State of Mexico, the Government of Tlalnepantla de Baz, México Evalúa, Borde Politico, ITESM Campus Toluca, and INFOEM. Additionally, prior to the approval of the Plan, it was circulated among the members in order to enrich them with the comments and contributions of non-governmental actors.",
    "plan_endorsed_evidence": "• https://ogplocaledomex.com.mx/\n• https://ogplocaledomex.com.mx/Primer%20Plan%20de%20Acci%C3%B3n%20Local%20de%20Gobierno%20Abierto%20del%20Estado%20de%20M%C3%A9xico.pdf\n• https://www.youtube.com/playlist?list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9\n• https://www.youtube.com/watch?v=rUACUIRg8gE&list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9&index=2\n• https://www.youtube.com/watch?v=blRhroZamws&list=PLYi4lbIAFu_t95OTrvK_tMUZrRgPcQCd9&index=3\n• https://www.youtube.com/watch?v=kVqYDvoaFwo\n• https://www.infoem.org.mx/es/contenido/eventos/primer-foro-de-gobierno-abierto",
    # 2.1
    "practice_website": "yes",
    "practice_website_explanation": "The site that contains the information related to the process of correcting the Local Action Plan is https://ogplocaledomex.com.mx; however, it is important to point out that the processes referring to Infoem and IEEM commitments are not hosted on the site.",
    "practice_website_evidence": "https://www.infoem.org.mx/es/contenido/iniciativas/gobierno-abierto\nhttps://www.infoem.org.mx/es/contenido/iniciativas/secretariado-tecnico-local",
    # 2.2
    "practice_advance_information": "yes",
    "practice_advance_information_explanation": "The STL, prior to the approval of the Local Action Plan, shared among the members of the STL, the preliminary version of the PAL in order to enrich it with the comments and contributions of civil society organizations and the other institutions involved. Additionally, participatory roundtables were held to specify the different proactive commitments and the Operational Group was created, which monitors the actions that derive from the different PAL commitments.",
    "practice_advance_information_evidence": "",
    # 2.3
    "practice_public_inputs": "yes",
    "practice_public_inputs_explanation": "Through the Thematic and Participatory Roundtables, civil society organizations and interested parties could make contributions to the PAL commitments. Additionally, the STL shared with all the members (including civil society representatives) the different documents in order to promote the participation of the CSOs involved in the Plan.",
    "practice_public_inputs_evidence": "",
    # 2.4
    "practice_feedback": "yes",
    "practice_feedback_explanation": "The contributions of civil society were integrated since they are reflected in the content and preparation process of the LAP; however it is considered that it is not clearly noted that the interested parties were informed how their contributions were integrated into the Local Action Plan.",
    "practice_feedback_evidence": "",
    # 2.5
    "practice_dialogue": "yes",
    "practice_dialogue_explanation": "In the open dialogues of Infoem and IEEM, as well as in the two roundtables, an exchange of ideas and proposals was visualized.\nThe Local Action Plan also includes in the section on Commitments, the establishment of agendas for the fulfillment of the following\nThe dialogue and the construction of the agreements were carried out in the ordinary sessions of the Local Technical Secretariat, which count as evidence the minutes of the sessions held.",
    "practice_dialogue_evidence": "",
    # 2.6
    "practice_inclusive_forum": "moderately",
    "practice_inclusive_forum_explanation": "A citizen consultation was carried out in which the infrastructure of the Caravans for Daily Justice was used so that people from remote and difficult-to-reach communities could have access to it and issue their proposals and recommendations; however, it is considered that this would be an area of opportunity to further include the representation of vulnerable groups or communities or minorities.",
    "practice_inclusive_forum_evidence": "",
}

# Section 3, in the order of the plan: (position, commitment title, answers).
INCEPTION_ASSESSMENTS = [
    (
        1,
        "Strengthening and expansion of the itinerant justice and access to justice programme “Caravanas por la Justicia Cotidiana” (Caravans for Everyday Justice).",
        {
            "verifiable": "yes",
            "verifiable_explanation": "The document containing the Open Government Local Action Plan includes a set of commitments by government entity, which contains a series of concrete actions to be carried out.\nAdditionally, the established objectives and proposed actions of the Caravans for Everyday Justice program are clear enough and include objectively verifiable activities to assess implementation, for example, by expanding the number of caravans, prioritizing their simultaneity and return to the communities, in order to verify the monitoring and completion of procedures and services provided",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "The commitments promote citizen participation by generating mechanisms where citizens are interested and involved in making their needs known, so that public policies generate more effective governance and provide solutions to these needs. In the same way, they promote innovation, since the Caravans for Daily Justice program is unique at the national level. This, by integrating the efforts of 24 dependencies and institutions and offering 90 procedures and legal services to remote communities.",
            "relevant_evidence": "",
            "nature": "continuation",
            "nature_explanation": "The Caravans for Daily Justice is a public policy of access to justice through the implementation of itinerant justice mechanisms. In addition, they are an action of regulatory improvement and administrative simplification in the current daily justice policy, since they carry out actions that reduce and simplify procedures and services, bringing them closer to remote and difficult-to-access communities, as well as streamlining procedures and reducing requirements. during the procedures that people must follow to access justice.",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "The Caravans for Daily Justice are a process of paradigm shift in the mechanisms of access to justice, since it is about bringing the institutions closer to the population that is in remote communities and difficult to access, modifying the fact that the people have to necessarily move to the dependencies. In addition, through these, the mechanisms and procedures for access to daily justice are facilitated.",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        2,
        "Institutional interoperability through the legal card",
        {
            "verifiable": "yes",
            "verifiable_explanation": "This commitment has highly defined objectives and specific strategic actions to be followed by the actors that will intervene in the implementation of the interoperability of the legal card. Verifiable activities, which will allow documenting your process, as well as the use of technologies and connectivity between agencies to streamline the provision of procedures and services offered by the Mexican government.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "new",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        3,
        "Strengthening Alternative Dispute Resolution Mechanisms as a means of access to everyday justice.",
        {
            "verifiable": "yes",
            "verifiable_explanation": "The purpose of this commitment is clear and palpable, the actions contained are tangible and include verifiable activities for evaluation; among them, the dissemination of alternative means of dispute resolution and daily justice and the professionalization and training in matters of social peace, mediation, conciliation and restorative justice of municipal and state public servants.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "continuation",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        4,
        "State legislation in the area of Everyday Justice",
        {
            "verifiable": "yes",
            "verifiable_explanation": "This commitment has a clear and defined purpose with specific actions in the preparation of the governing document on the matter and of easy evaluation. Such actions comply with the principles of the OGP and will allow the participation of the public, private, academic sectors and civil society in general.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "new",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        5,
        "Strengthening the means of access to public transparency, open data and public interest data",
        {
            "verifiable": "yes",
            "verifiable_explanation": "The document containing the PAL includes a series of specific actions to be carried out by the actors involved in its implementation. Likewise, the established objectives and the proposed actions are sufficiently clear and include verifiable activities to evaluate their execution, for example, by bringing procedures and services in terms of transparency and access to public information in various scenarios and the continuous improvement of the platforms. public informatics through citizen participation.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "continuation",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        6,
        "Generate alliances with the municipalities of the State of Mexico to disseminate the use and benefits of access to information.",
        {
            "verifiable": "yes",
            "verifiable_explanation": "Through the use of ICTs and the organization of itinerant conferences, the aim is to make the public aware of the means to have access to information and accountability. Create collaboration agreements between municipalities and authorities in order to disseminate the agenda for access to public information.\nWith the foregoing, progress is being made in the implementation of the OGP values in terms of citizen participation, innovation and technology.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "continuation",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        7,
        "Open government culture",
        {
            "verifiable": "yes",
            "verifiable_explanation": "This commitment was assumed by INFOEM and aims to create a state strategy that allows the consolidation of institutional openness among the three levels of government in the State of Mexico, complies with the values established by the AGA by promoting the opening of institutions with the participation of the civil society, also aims to institutionalize a culture of open government through local efforts that are of importance and interest to the AGA.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "continuation",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
    (
        8,
        "Strengthening democracy",
        {
            "verifiable": "yes",
            "verifiable_explanation": "Through the Electoral Institute of the State of Mexico, it is intended to generate a link and rapprochement with the people of Mexico to promote informed and reasoned voting, transparency, citizen participation in the electoral process, and the involvement of the population in public affairs.\nWith the foregoing, transparency, citizen participation and innovation are encouraged, by including useful and quality information that allows people to intervene in correct decision-making through the use of ICTs.",
            "verifiable_evidence": "",
            "relevant": "yes",
            "relevant_explanation": "",
            "relevant_evidence": "",
            "nature": "continuation",
            "nature_explanation": "",
            "nature_evidence": "",
            "change": "binding-change",
            "change_explanation": "",
            "change_evidence": "",
            "recommended_changes": "Not yet, the commitment is under implementation",
        },
    ),
]


# ---------------------------------------------------------------------------------------------
# Seed 003: End of Commitment Report – Open government culture (MXMEX0009)
# ---------------------------------------------------------------------------------------------

END_OF_COMMITMENT_ANSWERS = {
    # 1.1 level of progress: blank in the published report, left empty.
    "progress_level_explanation": "This commitment is in the final stage of its implementation since of the 3 lines of action that make it up, there is already a study on municipal opening, as well as important advances for the implementation of Technical Secretariats. Municipal in at least 4 Mexican municipalities. Regarding the third line of action, the dissemination of content and the organization of forums or meetings with various sectors are constantly generated to promote Open Government.",
    "impact_factors": "Given that this is an agenda that depends to a large extent on the political will of the authorities to generate mechanisms for dialogue with civil society, it has been a great effort on the part of INFOEM to manage to add municipalities to this governance strategy. Thus, from the institutional part, what was reflected in the roadmap has been fulfilled, although with lag times due to the fact that it has added at all times to the opinion and proposals of civil society. On the other hand, it can be mentioned that the results of the opening study are just a first sample of the reality in the State of Mexico, but because the citizen validation responses barely reached 18 municipalities, such an x-ray cannot be statistically conclusive.",
    "as_planned": "as-planned",
    "as_planned_explanation": "Although the stages of each of the lines of action considered have been completed, under the scheme of encouraging citizen participation and that the results be as widely agreed upon as possible, it was decided to incorporate several the suggestions emanating from within civil society (for example, in the design of the information collection instrument of the opening study). This strengthened the exercise, although to the detriment of implementation times, which, however, are still enough to finalize the commitment in the first half of the year. That is, it was fulfilled as far as the stages are concerned, although due to the logic of counting the citizen perspective in each of these, the implementation times were considerably lengthened.",
    # 2.1.x degrees of result and the 2.2 answer: blank in the published report, left empty.
    "access_to_information_explanation": "As a result of the implementation of the commitment, INFOEM has been positioned as a citizen reference that allows finding communication bridges with state and municipal authorities. In addition, all the information that has been generated throughout the implementation period has been made public, thus making it transparent and accountable to society about the role of the local Guarantor Body. On the other hand, it is noteworthy that the municipalities that are joining have shown their willingness for their Transparency Units to be the natural links with society, which also results in making themselves known in said communities.",
    "civic_participation_explanation": "As described, INFOEM has involved citizens in each step of the commitment: from the definition of the problem and the roadmap to the preparation and validation of information from the opening study. In this sense, it is important to emphasize the interest in promoting this participation through the nucleus of civil society organizations, in addition to expanding networks with academics and students who are interested in this agenda. The open spaces have been permanent and the punctual presence of members of the Plenary stands out, both in the events and in the work sessions, which is an important message of commitment to these actions.",
    "public_accountability_explanation": "It is worth emphasizing that this commitment is in the implementation stage, so the scope of this response must be understood in the context of an exercise that does not yet report all the proposed objectives.",
    "problem_addressed_explanation": "The objective of bringing the concepts and benefits of Open Government closer to different sectors is being met, in addition to having a first image regarding the conditions of institutional opening in the municipalities. In this sense, the last part of the implementation is linked to the available time for the local political and social actors to expedite the installation of the Municipal Technical Secretariats, although INFOEM is in the best disposition to accompany and help in whatever is necessary to make it.",
    "lessons": "INFOEM has carried out important work to raise awareness in the different municipalities of the entity, as well as an extensive dissemination campaign to position this issue in public opinion. As a window of opportunity, we can mention the fact that civil society becomes even more involved in the commitment and in the monitoring of the installation and operation of the Municipal Technical Secretariats.",
}
