"""The public commitment pages: home, explorer, CSV, commitment detail, feeds, sitemap."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.contenttypes.models import ContentType

from commitments.exports import COMMITMENT_HEADER
from commitments.models import Commitment, MilestoneStatus
from commitments.services import change_milestone_status
from plans.models import ActionPlan, Document
from tests.factories import (
    make_commitment,
    make_end_of_commitment_report,
    make_institution,
    make_member,
    make_milestone,
    make_mxmex0009,
    make_plan,
    make_secretariat,
    ogp_value,
    policy_area,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def warm_caches():
    # ContentType lookups are cached per process; warm them so counts do not depend on order.
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_model(Commitment)
    ContentType.objects.get_for_model(ActionPlan)


def assert_light_and_strict(response):
    """Under 100 KB, no inline script or style, one h1: what every public page promises."""
    html = response.content.decode()
    assert len(response.content) < 100_000
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert html.count("<h1") == 1
    assert 'href="#main"' in html


# Home ---------------------------------------------------------------------------------------


def test_root_redirects_by_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/es/"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Location"] == "/en/"
    # A language the portal lacks falls back to the default (Spanish in production settings).
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Location"] == "/en/"


def test_root_redirect_defaults_to_spanish(client, settings):
    settings.LANGUAGE_CODE = "es"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Location"] == "/es/"


def test_home_shows_members_plans_status_counts_and_latest_updates(client):
    commitment = make_mxmex0009()
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mexico State, Mexico" in html
    assert "Action plan – Mexico State, Mexico, 2021 – 2022" in html
    assert "3 milestones in published commitments." in html
    assert "2 are overdue" in html
    assert "?status=finished" in html
    assert f'id="update-{commitment.milestones.get(number=1).updates.get().pk}"' in html
    assert "The municipal openness study was delivered" in html
    assert "Progress counts finished milestones over all milestones." in html
    assert_light_and_strict(response)


def test_home_counts_only_published_milestones(client):
    make_commitment(milestones=2, published=False)
    make_commitment(make_plan(published=False), milestones=4)
    make_commitment(milestones=1)
    response = client.get("/en/")
    assert "1 milestone in published commitments." in response.content.decode()


def test_home_query_count_is_flat(client, django_assert_num_queries):
    for _ in range(3):
        plan = make_plan(end_year=datetime.date.today().year + 1)
        commitment = make_commitment(plan, milestones=3)
        change_milestone_status(
            milestone=commitment.milestones.first(),
            new_status="finished",
            by=make_secretariat(),
            note="Reported by the test",
        )
    # 1 the version of the public data, under which the choice of members and plans and the
    # plans' chart are kept  2-3 the largest members' keys, then their rows with roll-ups
    # 4 the keys of plans in implementation  5 of earlier plans  6 both lists' rows (no earlier
    # plan here)  7 milestone status counts  8 latest updates, with whether they have evidence
    # or corrections (none has: nothing more is read)
    with django_assert_num_queries(8):
        response = client.get("/en/")
    assert response.content.decode().count('class="timeline-item"') == 3
    # Chosen and drawn for this version of the data: 2, 4 and 5 are not read again.
    with django_assert_num_queries(5):
        response = client.get("/en/")
    assert response.content.decode().count('class="timeline-item"') == 3
    # 9 the evidence links of the entries that have some (30 entries: the same queries); an
    # earlier plan is read with those in implementation
    earlier = make_plan(start_year=2015, end_year=2017)
    make_commitment(earlier, milestones=1)
    for _ in range(27):
        change_milestone_status(
            milestone=commitment.milestones.last(),
            new_status="in_progress",
            by=make_secretariat(),
            note="Reported again by the test",
            evidence=["https://example.org/evidence"],
        )
    with django_assert_num_queries(9):
        html = client.get("/en/").content.decode()
    assert html.count('class="timeline-item"') == 8
    assert html.count('href="https://example.org/evidence"') == 8
    assert earlier.get_absolute_url() in html and plan.get_absolute_url() in html


# Explorer -----------------------------------------------------------------------------------


def test_explorer_lists_published_commitments_with_count_and_progress(client):
    make_mxmex0009()
    make_commitment(title="Hidden draft", published=False)
    make_commitment(make_plan(published=False), title="In a draft plan")
    response = client.get("/en/commitments/")
    html = response.content.decode()
    assert "1 commitment found" in html
    assert "Open government culture" in html
    assert "1 of 3 milestones finished · 2 not reported (33%)" in html
    assert "Hidden draft" not in html and "In a draft plan" not in html
    assert_light_and_strict(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=finished", {"Done one"}),
        ("status=stuck", {"Stuck one"}),
        ("overdue=true", {"Stuck one", "Late one"}),
        ("overdue=false", {"Done one"}),
        ("policy_area=right-to-information", {"Done one"}),
        ("ogp_value=civic-participation", {"Stuck one"}),
        ("institution=infoem", {"Late one"}),
        ("member=state", {"Done one", "Stuck one"}),
        ("plan=state-plan", {"Done one", "Stuck one"}),
        ("q=stuck", {"Stuck one"}),
    ],
)
def test_explorer_filters(client, query, expected):
    state = make_member(slug="state")
    plan = make_plan(state, slug="state-plan")
    make_commitment(
        plan,
        title="Done one",
        milestones=1,
        statuses=("finished",),
        primary_policy_area=policy_area("right-to-information"),
    )
    stuck = make_commitment(plan, title="Stuck one", milestones=1, statuses=("stuck",))
    stuck.ogp_values.add(ogp_value("civic-participation"))
    make_commitment(title="Late one", milestones=1, lead=make_institution(slug="infoem"))
    response = client.get(f"/en/commitments/?{query}")
    titles = {c.title for c in response.context["page"].object_list}
    assert titles == expected


def test_explorer_consortium_member_finds_shared_commitments(client):
    state = make_member(slug="state")
    tlalnepantla_plan = make_plan(make_member(slug="tlalnepantla"))
    tlalnepantla_plan.consortium_members.add(state)
    make_commitment(tlalnepantla_plan, title="Shared")
    response = client.get("/en/commitments/?member=state")
    assert [c.title for c in response.context["page"].object_list] == ["Shared"]


def test_explorer_explains_filters_it_cannot_use(client):
    make_commitment(title="Anything")
    response = client.get("/en/commitments/?status=lost&member=nowhere")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not understood" in html
    assert "Select a valid choice" in html
    # The bad filters are left out, not applied as “nothing matches”.
    assert "1 commitment found" in html


def test_explorer_sorts_and_paginates(client):
    plan = make_plan()
    for i in range(30):
        make_commitment(plan, title=f"C{i:02d}", number=30 - i)
    response = client.get("/en/commitments/?sort=title")
    page = response.context["page"]
    assert [c.title for c in page.object_list][:2] == ["C00", "C01"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    html = response.content.decode()
    assert "Page 1 of 2" in html
    assert "?sort=title&amp;page=2" in html
    second = client.get("/en/commitments/?sort=title&page=2").context["page"]
    assert [c.title for c in second.object_list] == [f"C{i}" for i in range(25, 30)]
    by_number = client.get("/en/commitments/").context["page"].object_list
    assert by_number[0].title == "C29"
    # An unknown sort falls back to the plan's order instead of failing.
    assert client.get("/en/commitments/?sort=nonsense").status_code == 200


def test_explorer_sorts_by_progress(client):
    make_commitment(title="Half", milestones=2, statuses=("finished",))
    make_commitment(title="None", milestones=2)
    make_commitment(title="All", milestones=1, statuses=("finished",))
    most = client.get("/en/commitments/?sort=progress").context["page"].object_list
    assert [c.title for c in most] == ["All", "Half", "None"]


def test_explorer_query_count_is_flat(client, django_assert_num_queries):
    plan = make_plan()
    for _ in range(3):
        commitment = make_commitment(plan, milestones=3)
        commitment.ogp_values.add(ogp_value())
    # 1 the version of the public data  2 count for the paginator (then cached per version)
    # 3 the page's keys  4 the page of commitments with their progress  5 prefetch plans
    # 6-7 the choices of the policy area and OGP value filters  8 the largest members, plans
    # and institutions (suggestions, then cached)  9-10 the names of those members and plans
    # (no institution is involved here)
    with django_assert_num_queries(10):
        response = client.get("/en/commitments/")
    assert len(response.context["page"].object_list) == 3


def test_csv_downloads_the_filtered_set_in_ogp_columns(client):
    make_mxmex0009()
    make_commitment(title="Other", milestones=1)
    response = client.get("/en/commitments/download.csv?q=culture")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[-1]["Commitment Unique Identifier"] == "# end of data: 1 rows"
    rows = rows[:-1]
    assert len(rows) == 1
    row = rows[0]
    assert row["Commitment Unique Identifier"] == "MXMEX0009"
    assert row["Commitment Title"] == "Open government culture"
    assert row["Lead Institution"].startswith("Instituto de Transparencia")
    assert row["OGP Value Access To Information"] == "Yes"
    assert row["OGP Value Civic Participation"] == "No"
    assert row["URL"].endswith("/en/commitments/MXMEX0009/")
    assert row["Milestones Total"] == "3" and row["Milestones Finished"] == "1"
    assert row["Overdue Milestones"] == "2"
    # Both overdue milestones have never been reported on: the two kinds of lateness apart.
    assert row["Milestones Not Reported"] == "2" and row["Overdue Without a Report"] == "2"
    assert row["Start"] == "2022-02" and row["End"] == "2022-05"
    # the same columns as the open data export, so the file imports back
    assert list(row) == COMMITMENT_HEADER


def test_csv_leaves_out_unpublished_commitments(client):
    make_commitment(title="Draft", published=False)
    text = b"".join(client.get("/en/commitments/download.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "Draft" not in text
    # The header, then the end-of-data row.
    assert [row[0] for row in csv.reader(io.StringIO(text))][1:] == ["# end of data: 0 rows"]


# Commitment ---------------------------------------------------------------------------------


def test_commitment_page_shows_the_seed_content(client):
    commitment = make_mxmex0009()
    other_plan = make_plan(title="Action plan – Tlalnepantla de Baz, Mexico, 2021 – 2023")
    commitment.action_plans.add(other_plan)
    response = client.get("/en/commitments/MXMEX0009/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Open government culture" in html
    for text in [
        "Action plan – Mexico State, Mexico, 2021 – 2022",
        "Action plan – Tlalnepantla de Baz, Mexico, 2021 – 2023",
        "Feb 2022",
        "May 2022",
        "Instituto de Transparencia, Acceso a la Información Pública",
        "Right to Information",
        "Access to information",
        "Lack of interest and knowledge of transparency",
        "Articulate the local and municipal open government agendas",
        "3 Milestones",
        "Construir un estudio de las condiciones de apertura institucional a nivel municipal",
        "02/2022",
        "04/2022",
        "05/2022",
        "1 of 3 milestones finished · 2 not reported (33%)",
        "Progress counts finished milestones over all milestones. A milestone nobody has reported on counts as not reported, never as started or finished.",
        "The municipal openness study was delivered",
        'href="https://example.org/estudio-apertura"',
        "Estudio municipal",
        "No comments yet",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ]:
        assert text in html, text
    assert_light_and_strict(response)


def test_commitment_page_marks_overdue_milestones_in_words(client):
    make_mxmex0009()
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    # Milestones 2 and 3 ended in 2022 and nobody reported on them; milestone 1 is finished.
    assert html.count("?</span> Overdue without a report") == 2
    assert "⚠</span> Overdue<" not in html
    assert "✓</span> Finished" in html
    assert "2 overdue without a report" in html


def test_commitment_without_ogp_id_is_reached_by_its_number(client):
    commitment = make_commitment(title="Numbered")
    response = client.get(f"/en/commitments/{commitment.pk}/")
    assert response.status_code == 200
    assert commitment.get_absolute_url() == f"/en/commitments/{commitment.pk}/"


def test_a_commitment_with_an_ogp_id_has_one_address(client):
    commitment = make_mxmex0009()
    response = client.get(f"/en/commitments/{commitment.pk}/")
    assert response.status_code == 301
    assert response["Location"] == "/en/commitments/MXMEX0009/"
    assert client.get("/en/commitments/mxmex0009/").status_code == 301


@pytest.mark.parametrize("how", ["unpublished", "draft_plan", "missing"])
def test_invisible_commitments_are_404_to_the_public(client, how):
    if how == "unpublished":
        key = make_commitment(ogp_id="MXMEX0001", published=False).key
    elif how == "draft_plan":
        key = make_commitment(make_plan(published=False), ogp_id="MXMEX0001").key
    else:
        key = "MXMEX0404"
    assert client.get(f"/en/commitments/{key}/").status_code == 404
    assert client.get(f"/en/commitments/{key}/feed/").status_code == 404


def test_staff_preview_unpublished_commitments(client):
    commitment = make_commitment(ogp_id="MXMEX0001", published=False)
    client.force_login(make_secretariat())
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only staff see this commitment." in response.content.decode()


def test_commitment_query_count_is_flat(client, django_assert_num_queries):
    commitment = make_mxmex0009()
    for number in range(4, 7):
        make_milestone(commitment, number=number)
    secretariat = make_secretariat()
    for milestone in commitment.milestones.filter(number__gte=2):
        change_milestone_status(
            milestone=milestone,
            new_status="in_progress",
            by=secretariat,
            evidence=["https://example.org/a", "https://example.org/b"],
            note="Reported by the test",
        )
    Document.objects.create(title="Minutes", commitment=commitment, url="https://example.org/m")
    Document.objects.create(title="Report", commitment=commitment, url="https://example.org/r")
    milestone_document = Document.objects.create(
        title="Agenda", milestone=commitment.milestones.get(number=2), url="https://example.org/g"
    )
    warm_caches()
    # 1 the visible commitment with its progress, history count and which reports it has
    # 2 its plans with members  3 institutions  4 OGP values  5 milestones
    # 6 its documents and its milestones'  7 history page, with whether each entry has evidence
    # or corrections  8 evidence links (no entry has files or corrections: not read)
    # 9 approved comments (page); no published report: no report query
    with django_assert_num_queries(9):
        response = client.get("/en/commitments/MXMEX0009/")
    html = response.content.decode()
    assert html.count('class="timeline-item"') == 6
    assert html.count('href="https://example.org/a"') == 5
    assert "Minutes" in html and "Report" in html and milestone_document.title in html
    # 10 the published End of Commitment Report, once there is one
    make_end_of_commitment_report(commitment, status="published")
    with django_assert_num_queries(10):
        response = client.get("/en/commitments/MXMEX0009/")
    assert response.status_code == 200


# Feeds and sitemap --------------------------------------------------------------------------


def _atom_entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_feeds_parse_as_atom_and_hold_published_updates(client):
    commitment = make_mxmex0009()
    hidden = make_commitment(title="Draft", milestones=1, published=False)
    change_milestone_status(
        milestone=hidden.milestones.get(),
        new_status="finished",
        by=make_secretariat(),
        note="Reported by the test",
    )
    other = make_commitment(title="Elsewhere", milestones=1)
    change_milestone_status(
        milestone=other.milestones.get(),
        new_status="stuck",
        by=make_secretariat(),
        note="Reported by the test",
    )

    site = _atom_entries(client.get("/en/feeds/updates/"))
    assert len(site) == 2
    titles = [entry.find(f"{ATOM}title").text for entry in site]
    assert "MXMEX0009, milestone 1: Not reported → Finished" in titles

    plan = commitment.action_plans.get()
    per_plan = _atom_entries(client.get(f"/en/feeds/updates/plans/{plan.slug}/"))
    assert len(per_plan) == 1
    link = per_plan[0].find(f"{ATOM}link").get("href")
    assert "/en/commitments/MXMEX0009/#update-" in link
    summary = per_plan[0].find(f"{ATOM}summary").text
    assert (
        "municipal openness study" in summary and "https://example.org/estudio-apertura" in summary
    )

    per_commitment = _atom_entries(client.get("/en/commitments/MXMEX0009/feed/"))
    assert len(per_commitment) == 1


def test_feed_of_a_draft_plan_is_404(client):
    plan = make_plan(published=False)
    assert client.get(f"/en/feeds/updates/plans/{plan.slug}/").status_code == 404


def test_pages_link_their_feeds(client):
    commitment = make_mxmex0009()
    plan = commitment.action_plans.get()
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/en/commitments/MXMEX0009/feed/"' in html
    assert (
        f'href="/en/feeds/updates/plans/{plan.slug}/"'
        in client.get(plan.get_absolute_url()).content.decode()
    )


def test_sitemap_lists_public_pages_in_both_languages(client):
    make_mxmex0009()
    make_commitment(ogp_id="MXMEX0002", published=False)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert "http://testserver/sitemap-commitments.xml" in index.content.decode()
    xml = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ("commitments", "members")
    )
    response = client.get("/sitemap-commitments.xml")
    ET.fromstring(response.content)
    assert "http://testserver/en/commitments/MXMEX0009/" in xml
    assert "http://testserver/es/commitments/MXMEX0009/" in xml
    assert "http://testserver/en/members/mexico-state/" in xml
    assert 'hreflang="es"' in xml
    assert "MXMEX0002" not in xml


def test_pages_carry_titles_descriptions_and_open_graph(client):
    make_mxmex0009()
    html = client.get("/en/commitments/MXMEX0009/").content.decode()
    assert "<title>Open government culture (MXMEX0009) · Open Government Tracker</title>" in html
    assert '<meta name="description" content="Articulate the local' in html
    assert '<meta property="og:title" content="Open government culture (MXMEX0009)">' in html
    assert '<meta property="og:url" content="http://testserver/en/commitments/MXMEX0009/">' in html
    assert '<meta property="og:locale" content="en_US">' in html
    assert (
        '<link rel="alternate" hreflang="es" href="http://testserver/es/commitments/MXMEX0009/">'
        in html
    )


# Spanish ------------------------------------------------------------------------------------


def test_spanish_pages_are_in_spanish(client):
    make_mxmex0009()
    home = client.get("/es/").content.decode()
    assert '<html lang="es">' in home
    assert "Hitos en todo el portal" in home
    explorer = client.get("/es/commitments/?status=finished").content.decode()
    assert "1 compromiso encontrado" in explorer
    assert "Estado del hito" in explorer
    detail = client.get("/es/commitments/MXMEX0009/").content.decode()
    for text in [
        "1 de 3 hitos terminados",
        "Derecho a la información",
        "Acceso a la información",
        "Terminado",
        "Deja una respuesta",
        "No hay comentarios",
        "Tu dirección de correo electrónico no será publicada.",
    ]:
        assert text in detail, text
    assert "Leave a Reply" not in detail
    assert "Milestones" not in detail


def test_language_switcher_keeps_the_current_page(client):
    make_mxmex0009()
    html = client.get("/en/commitments/?status=finished&q=culture").content.decode()
    assert 'href="/es/commitments/?status=finished&amp;q=culture" hreflang="es" lang="es"' in html
    html = client.get("/es/commitments/MXMEX0009/").content.decode()
    assert 'href="/en/commitments/MXMEX0009/" hreflang="en" lang="en"' in html


def test_milestone_status_filter_offers_every_status(client):
    html = client.get("/en/commitments/").content.decode()
    for status in MilestoneStatus:
        assert f'value="{status.value}"' in html


def test_explorer_form_keeps_the_chosen_filters(client):
    make_commitment(title="Late", milestones=1)
    html = client.get("/en/commitments/?overdue=true&status=stuck&q=late").content.decode()
    assert '<option value="true" selected>Only commitments with overdue milestones' in html
    assert '<option value="stuck" selected>Stuck</option>' in html
    assert 'value="late"' in html
    assert "Clear all filters" in html
    html = client.get("/en/commitments/").content.decode()
    assert '<option value="unknown" selected>Any</option>' in html
    assert "---------" not in html
    assert "Clear all filters" not in html


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_feed_query_count_is_flat(client, django_assert_num_queries):
    secretariat = make_secretariat()
    for _ in range(3):
        commitment = make_commitment(milestones=1)
        change_milestone_status(
            milestone=commitment.milestones.get(),
            new_status="finished",
            by=secretariat,
            evidence=["https://example.org/e"],
            note="Reported by the test",
        )
    # 1 the latest updates with milestones, commitments and institutions  2 their evidence
    # links  3 their evidence files
    with django_assert_num_queries(3):
        response = client.get("/en/feeds/updates/")
    assert len(_atom_entries(response)) == 3


def test_robots_txt_points_to_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_a_commitment_with_many_milestones_lists_them_a_page_at_a_time(client):
    from tests.factories import make_commitment as make

    commitment = make(milestones=32, ogp_id="MXMEX0099")
    url = commitment.get_absolute_url()
    first = client.get(url).content.decode()
    listed = first.split('id="milestones"', 1)[1].split("</section>", 1)[0]
    assert "32 Milestones" in listed
    assert listed.count('class="milestone"') == 30
    assert 'id="milestone-30"' in listed and 'id="milestone-31"' not in listed
    assert "Page 1 of 2" in listed and "milestones=2#milestones" in listed
    second = client.get(f"{url}?milestones=2").content.decode()
    listed = second.split('id="milestones"', 1)[1].split("</section>", 1)[0]
    assert listed.count('class="milestone"') == 2 and '<ol class="milestones" start="31">' in listed
    for wrong in ("x", "0", "99"):
        assert client.get(f"{url}?milestones={wrong}").status_code == 200


def test_home_lists_the_largest_members_and_breaks_ties_by_name(client, monkeypatch):
    from commitments import views

    monkeypatch.setattr(views, "HOME_MEMBERS", 2)
    largest = make_member(name="Zeta")
    plan = make_plan(largest)
    make_commitment(plan)
    make_commitment(plan)
    for name in ("Gamma", "Alpha", "Beta"):
        make_commitment(make_plan(make_member(name=name)))
    make_member(name="Aardvark without plans")
    response = client.get("/en/")
    assert [member.name for member in response.context["members"]] == ["Zeta", "Alpha"]
    assert response.context["more_members"] is True
    monkeypatch.setattr(views, "HOME_MEMBERS", 12)
    response = client.get("/en/")
    names = [member.name for member in response.context["members"]]
    assert names == ["Zeta", "Alpha", "Beta", "Gamma"]  # never a member without plans
    assert response.context["more_members"] is False


def test_the_homes_kept_choice_of_members_and_plans_follows_every_change(client):
    """The largest members and the plans shown are chosen once per version of the data: a
    write that changes the choice shows at once, in either language."""
    year = datetime.date.today().year
    small = make_member(name="Small", name_es="Pequeño")
    make_commitment(make_plan(small, title="Small plan", end_year=year + 1))

    def home(language="en"):
        context = client.get(f"/{language}/").context
        return [m.pk for m in context["members"]], [p.title for p in context["current_plans"]]

    assert home() == ([small.pk], ["Small plan"])
    assert home("es")[0] == [small.pk]
    large = make_member(name="Large")
    plan = make_plan(large, title="Large plan", end_year=year + 1, published=False)
    for _ in range(3):
        make_commitment(plan)
    assert home() == ([small.pk], ["Small plan"])  # a draft is never chosen
    plan.status = plan.Status.PUBLISHED
    plan.save()
    members, plans = home()
    assert members == [large.pk, small.pk]
    assert sorted(plans) == ["Large plan", "Small plan"]
    assert home("es")[0] == [large.pk, small.pk]
