"""Rows for the export and import tests, built with the factories (never the demo data)."""

from __future__ import annotations

import csv
import datetime
import io

from commitments.models import CommitmentInstitution
from plans.models import Sector
from tests import factories


def build_portal():
    """Two members, two published plans and a draft, and commitments of every shape."""
    state = factories.make_member(name="Mexico State", display_name="Mexico State, Mexico")
    town = factories.make_member(name="Tlalnepantla de Baz")
    plan_state = factories.make_plan(
        state, title="Action plan – Mexico State, Mexico, 2021 – 2022", slug="mexico-state-2021"
    )
    plan_town = factories.make_plan(
        town,
        title="Action plan – Tlalnepantla de Baz, Mexico, 2021 – 2023",
        slug="tlalnepantla-2021",
        end_year=2023,
    )
    draft = factories.make_plan(state, title="Draft plan", slug="draft-plan", published=False)
    infoem = factories.make_institution(
        name="Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos "
        "Personales del Estado de México y Municipios",
        acronym="INFOEM",
    )
    sjdh = factories.make_institution(name="Secretaría de Justicia y Derechos Humanos")
    borde = factories.make_institution(name="Borde Político")

    rti = factories.make_commitment(
        plan_state,
        ogp_id="MXMEX0009",
        number=1,
        title="Transparencia proactiva, “con comillas”, y comas",
        short_title="Transparencia",
        problem='Línea uno\nLínea dos, con "comillas"',
        status_quo="Situación actual",
        action="Acción",
        contribution="Contribución",
        long_term_goal="Meta",
        values_narrative="Narrativa",
        start=datetime.date(2022, 2, 1),
        end=datetime.date(2022, 8, 1),
        primary_policy_area=factories.policy_area(),
        primary_sector=Sector.objects.get(slug="other-na"),
        milestones=3,
        statuses=("finished",),
        lead=infoem,
    )
    rti.action_plans.add(plan_town, draft)
    rti.ogp_values.add(factories.ogp_value(), factories.ogp_value("civic-participation"))
    CommitmentInstitution.objects.create(
        commitment=rti, institution=sjdh, role=CommitmentInstitution.Role.SUPPORTING
    )
    CommitmentInstitution.objects.create(
        commitment=rti, institution=borde, role=CommitmentInstitution.Role.SUPPORTING
    )
    no_id = factories.make_commitment(
        plan_state, number=2, title="Compromiso sin ID", milestones=1, lead=sjdh
    )
    hidden = factories.make_commitment(plan_state, number=3, title="Borrador", published=False)
    in_draft = factories.make_commitment(draft, ogp_id="MXMEX0010", title="En plan borrador")
    return {
        "state": state,
        "town": town,
        "plan_state": plan_state,
        "plan_town": plan_town,
        "draft": draft,
        "rti": rti,
        "no_id": no_id,
        "hidden": hidden,
        "in_draft": in_draft,
    }


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a download, without its BOM and its end-of-data row (checked to be there)."""
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[-1].values())[0] == f"# end of data: {len(rows) - 1} rows"
    return rows[:-1]


def write_csv(rows: list[dict], header: list[str] | None = None) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def edit(row: dict, column: str, text: str) -> None:
    """Change a text in an exported row as a person would: its plain column and the column of
    its original language, which the plain one follows."""
    row[column] = text
    language = row.get("Original Language") or "es"
    if f"{column} ({language})" in row:
        row[f"{column} ({language})"] = text
