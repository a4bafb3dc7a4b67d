"""Charts drawn by the server: inline SVG that parses, names what it draws, matches its table,
follows every status change at once, and stays small and cheap whatever the data."""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import charts
from commitments.models import MilestoneStatus, MilestoneUpdate
from commitments.rollups import PlanHistory, batched, recompute_histories, refresh_rollups
from commitments.services import change_milestone_status, record_milestone_update
from commitments.views import HISTORY_PAGE_SIZE, HOME_PLANS
from tests import factories as f

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def chart_svgs(html: str) -> dict[str, ET.Element]:
    """Every chart's SVG on a page, parsed as XML, by the id of the chart around it."""
    found = {}
    for chart_id, svg in re.findall(
        r'<div class="chart" id="([^"]+)">.*?(<svg class="chart-svg".*?</svg>)', html, re.S
    ):
        found[chart_id] = ET.fromstring(svg)
    return found


def chart_table(html: str, chart_id: str) -> list[list[str]]:
    """The rows of the table behind a chart's "Show as table", as lists of cell texts."""
    start = html.index(f'<div class="chart" id="{chart_id}">')
    table = html[html.index("<table>", start) : html.index("</table>", start) + len("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split())) for cell in cells])
    return rows


def texts(svg: ET.Element) -> list[str]:
    """Every text line of an SVG as a reader would see it."""
    return [" ".join("".join(t.itertext()).split()) for t in svg.iter(f"{SVG}text")]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def backdate(updates, **fields) -> None:
    """Date history entries in the past: an update that bypasses signals recounts the roll-ups
    itself, as every such write must."""
    updates.update(**fields)
    refresh_rollups(commitments=set(updates.values_list("milestone__commitment_id", flat=True)))


def finish(milestone, secretariat, when: datetime.datetime) -> None:
    """Finish a milestone through the service, then date its history entry (a past fact)."""
    change_milestone_status(
        milestone=milestone, new_status=MilestoneStatus.FINISHED, by=secretariat, note="Done."
    )
    backdate(MilestoneUpdate.objects.filter(milestone=milestone), created_at=when)


def aware(year: int, month: int, day: int = 15) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 12))


# The commitment's timeline --------------------------------------------------------------------


def test_the_commitment_timeline_parses_and_names_every_milestone(client):
    commitment = f.make_commitment(milestones=0, ogp_id="MXMEX0001")
    titles = ["Diagnóstico de apertura", "Mesas con sociedad civil & academia", "Informe final"]
    for number, title in enumerate(titles, start=1):
        f.make_milestone(commitment, number=number, title=title)

    html = client.get(commitment.get_absolute_url()).content.decode()

    svg = chart_svgs(html)[f"timeline-{commitment.pk}"]
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")
    assert title.text == "Timeline of the milestones"
    assert desc.text.startswith("3 milestones planned between Feb 2022 and")
    lines = texts(svg)
    for number, title_text in enumerate(titles, start=1):
        assert f"{number}. {title_text}" in lines
    assert sum(1 for line in lines if line.startswith("? Not reported")) == 3
    table = chart_table(html, f"timeline-{commitment.pk}")
    assert [row[1] for row in table[1:]] == titles
    assert "Show as table" in html


def test_the_timeline_says_how_early_or_late_each_milestone_was_finished(client, secretariat):
    commitment = f.make_commitment(ogp_id="MXMEX0002")
    late = f.make_milestone(commitment, number=1, title="Late", end=datetime.date(2022, 4, 1))
    on_time = f.make_milestone(commitment, number=2, title="On time", end=datetime.date(2022, 4, 1))
    early = f.make_milestone(commitment, number=3, title="Early", end=datetime.date(2022, 4, 1))
    f.make_milestone(commitment, number=4, title="Forgotten", end=datetime.date(2022, 4, 1))
    finish(late, secretariat, aware(2022, 7))
    finish(on_time, secretariat, aware(2022, 4))
    finish(early, secretariat, aware(2022, 3))

    html = client.get(commitment.get_absolute_url()).content.decode()

    lines = texts(chart_svgs(html)[f"timeline-{commitment.pk}"])
    assert "✓ Finished · 3 months late" in lines
    assert "✓ Finished · on time" in lines
    assert "✓ Finished · 1 month early" in lines
    months = charts.month_index(timezone.localdate()) - charts.month_index(
        datetime.date(2022, 4, 1)
    )
    assert f"? Not reported · overdue by {months} months" in lines
    table = chart_table(html, f"timeline-{commitment.pk}")
    assert table[1][5:] == ["07/2022", "3 months late"]
    assert table[2][5:] == ["04/2022", "on time"]
    assert table[3][5:] == ["03/2022", "1 month early"]
    assert table[4][5:] == ["—", f"overdue by {months} months"]


def finished_on(milestone) -> datetime.date | None:
    return (
        charts.with_finishing_dates(type(milestone).objects.filter(pk=milestone.pk))
        .get()
        .finished_on
    )


@pytest.mark.sqlite  # a window function in a correlated subquery
def test_the_finishing_date_is_when_it_happened_when_the_history_records_it(secretariat):
    milestone = f.make_milestone(f.make_commitment())
    finish(milestone, secretariat, aware(2022, 9))
    assert finished_on(milestone) == datetime.date(2022, 9, 15)
    backdate(
        MilestoneUpdate.objects.filter(milestone=milestone), happened_on=datetime.date(2022, 5, 2)
    )
    assert finished_on(milestone) == datetime.date(2022, 5, 2)


@pytest.mark.sqlite  # a window function in a correlated subquery
def test_the_finishing_date_follows_corrections_and_ignores_later_reports(client, secretariat):
    commitment = f.make_commitment(ogp_id="MXMEX0008")
    milestone = f.make_milestone(commitment, end=datetime.date(2022, 6, 1))

    def against_the_plan() -> list[str]:
        html = client.get(commitment.get_absolute_url()).content.decode()
        return chart_table(html, f"timeline-{commitment.pk}")[1][5:]

    finish(milestone, secretariat, aware(2022, 9))
    # A progress report on the finished milestone, filed later: it does not finish it again.
    record_milestone_update(milestone=milestone, by=secretariat, note="Published the results.")
    assert against_the_plan() == ["09/2022", "3 months late"]
    record_milestone_update(
        milestone=milestone,
        by=secretariat,
        note="It was finished in May; the report came late.",
        corrects=milestone.updates.order_by("created_at", "pk").first(),
        happened_on=datetime.date(2022, 5, 20),
    )
    assert against_the_plan() == ["05/2022", "1 month early"]
    # Reopened, then finished again: the last time counts.
    for status, when in (("in_progress", aware(2022, 10)), ("finished", aware(2022, 11))):
        change_milestone_status(milestone=milestone, new_status=status, by=secretariat, note="x")
        backdate(milestone.updates.filter(pk=milestone.updates.latest("pk").pk), created_at=when)
    assert against_the_plan() == ["11/2022", "5 months late"]
    assert finished_on(milestone) == datetime.date(2022, 11, 15)


def test_the_timeline_finds_a_finish_beyond_the_page_of_history_shown(client, secretariat):
    commitment = f.make_commitment(ogp_id="MXMEX0006")
    done = f.make_milestone(commitment, number=1, title="Done", end=datetime.date(2022, 4, 1))
    busy = f.make_milestone(commitment, number=2, title="Busy", status="in_progress")
    finish(done, secretariat, aware(2022, 7))
    # Newer entries push the finish off the first page of the history.
    MilestoneUpdate.objects.bulk_create(
        MilestoneUpdate(
            milestone=busy,
            kind=MilestoneUpdate.Kind.PROGRESS_REPORT,
            old_status="in_progress",
            new_status="in_progress",
            note=f"Report {number}",
            created_at=aware(2023, 1 + number % 12, 1 + number // 12),
        )
        for number in range(HISTORY_PAGE_SIZE)
    )

    for page in ("", "?history=2"):
        html = client.get(commitment.get_absolute_url() + page).content.decode()
        lines = texts(chart_svgs(html)[f"timeline-{commitment.pk}"])
        assert "✓ Finished · 3 months late" in lines, page
        assert chart_table(html, f"timeline-{commitment.pk}")[1][5:] == ["07/2022", "3 months late"]


def test_a_commitment_without_milestones_draws_no_chart(client):
    commitment = f.make_commitment(ogp_id="MXMEX0003")
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert 'class="chart"' not in html
    assert "No milestones yet" in html


def test_timeline_dates_follow_the_page_language(client):
    commitment = f.make_commitment(ogp_id="MXMEX0004", start=datetime.date(2022, 1, 1))
    f.make_milestone(
        commitment, start=datetime.date(2022, 1, 1), end=datetime.date(2022, 3, 1), title="Uno"
    )
    english = client.get(f"/en/commitments/{commitment.key}/").content.decode()
    spanish = client.get(f"/es/commitments/{commitment.key}/").content.decode()
    assert "Jan 2022" in " ".join(texts(chart_svgs(english)[f"timeline-{commitment.pk}"]))
    assert "Ene 2022" in " ".join(texts(chart_svgs(spanish)[f"timeline-{commitment.pk}"]))


# The plan's charts ----------------------------------------------------------------------------


def running_plan():
    """A plan whose period covers today, with one commitment of three milestones due by now."""
    today = timezone.localdate()
    plan = f.make_plan(start_year=today.year - 1, end_year=today.year + 1)
    commitment = f.make_commitment(plan, ogp_id="MXMEX0010", start=None, end=None)
    last_month = charts.month_of(charts.month_index(today) - 1)
    for number in (1, 2, 3):
        f.make_milestone(
            commitment,
            number=number,
            start=datetime.date(today.year - 1, 1, 1),
            end=last_month,
        )
    return plan, commitment


def this_month_row(html: str, chart_id: str) -> list[str]:
    label = charts.month_label(timezone.localdate())
    return next(row for row in chart_table(html, chart_id) if row[0] == label)


def test_a_status_change_shows_on_the_timeline_and_the_plans_progress_line_at_once(
    client, secretariat
):
    plan, commitment = running_plan()
    progress_id = f"progress-{plan.pk}"
    before = client.get(plan.get_absolute_url()).content.decode()
    assert this_month_row(before, progress_id) == [
        charts.month_label(timezone.localdate()),
        "3",
        "0",
    ]

    change_milestone_status(
        milestone=commitment.milestones.get(number=2),
        new_status=MilestoneStatus.FINISHED,
        by=secretariat,
        note="Published the study.",
    )

    plan_page = client.get(plan.get_absolute_url()).content.decode()
    assert this_month_row(plan_page, progress_id)[1:] == ["3", "1"]
    assert "2 should have finished by" not in plan_page
    desc = chart_svgs(plan_page)[progress_id].find(f"{SVG}desc").text
    assert "3 should have finished by" in desc and "and 1 had" in desc
    assert bar_groups(chart_svgs(plan_page)[f"gantt-{plan.pk}"], plan) == {
        ("not_reported", True): ["1.1 Not reported, overdue", "1.3 Not reported, overdue"],
        ("finished", False): ["1.2 Finished"],
    }
    timeline = texts(
        chart_svgs(client.get(commitment.get_absolute_url()).content.decode())[
            f"timeline-{commitment.pk}"
        ]
    )
    assert "✓ Finished · 1 month late" in timeline


def test_the_progress_line_counts_a_reopened_milestone_only_while_it_was_finished(secretariat):
    plan = f.make_plan(start_year=2022, end_year=2022)
    commitment = f.make_commitment(plan)
    milestone = f.make_milestone(commitment, end=datetime.date(2022, 3, 1))
    for status, when in (("finished", aware(2022, 2)), ("in_progress", aware(2022, 5))):
        change_milestone_status(milestone=milestone, new_status=status, by=secretariat, note="x")
        backdate(
            MilestoneUpdate.objects.filter(milestone=milestone, new_status=status), created_at=when
        )
    progress = charts.plan_charts(plan, today=datetime.date(2022, 12, 1))["progress"]
    finished = [point.finished for point in progress.extra["table"]]
    planned = [point.planned for point in progress.extra["table"]]
    assert finished == [0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert planned == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]


def test_the_progress_line_counts_a_finish_in_the_month_it_happened(secretariat):
    plan = f.make_plan(start_year=2022, end_year=2022)
    commitment = f.make_commitment(plan)
    early, late = (f.make_milestone(commitment, end=datetime.date(2022, 6, 1)) for _ in range(2))
    finish(late, secretariat, aware(2022, 9))
    finish(early, secretariat, aware(2022, 10))
    # Filed last, but it happened first: the line follows when it happened.
    backdate(MilestoneUpdate.objects.filter(milestone=early), happened_on=datetime.date(2022, 4, 2))
    progress = charts.plan_charts(plan, today=datetime.date(2022, 12, 1))["progress"]
    finished = [point.finished for point in progress.extra["table"]]
    assert finished == [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2]
    assert progress.extra["notes"] == []  # both finishes are on the line


def test_a_correction_of_when_it_finished_moves_the_finish_on_the_line(secretariat):
    plan = f.make_plan(start_year=2022, end_year=2022)
    milestone = f.make_milestone(f.make_commitment(plan), end=datetime.date(2022, 6, 1))
    finish(milestone, secretariat, aware(2022, 9))
    # No status changes: only the history says the finish happened earlier.
    record_milestone_update(
        milestone=milestone,
        by=secretariat,
        note="It was finished in May; the report came late.",
        corrects=MilestoneUpdate.objects.get(milestone=milestone),
        happened_on=datetime.date(2022, 5, 20),
    )
    progress = charts.plan_charts(plan, today=datetime.date(2022, 12, 1))["progress"]
    finished = [point.finished for point in progress.extra["table"]]
    assert finished == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]


def test_the_progress_table_of_a_long_plan_lists_every_month_the_line_draws(client, secretariat):
    plan = f.make_plan(start_year=2020, end_year=2023)
    milestone = f.make_milestone(
        f.make_commitment(plan), start=datetime.date(2020, 3, 1), end=datetime.date(2021, 2, 1)
    )
    finish(milestone, secretariat, aware(2021, 5))
    progress = charts.plan_charts(plan, today=datetime.date(2024, 6, 1))["progress"]
    months = [point.month for point in progress.extra["table"]]
    assert len(months) == 48
    assert months[:4] == ["Jan 2020", "Feb 2020", "Mar 2020", "Apr 2020"]
    assert months[-1] == "Dec 2023"
    finished = [point.finished for point in progress.extra["table"]]
    assert finished[15:18] == [0, 1, 1]  # Apr, May and Jun 2021: the month it finished is listed
    table = chart_table(client.get(plan.get_absolute_url()).content.decode(), f"progress-{plan.pk}")
    assert [row[0] for row in table[1:5]] == ["Jan 2020", "Feb 2020", "Mar 2020", "Apr 2020"]


def test_recompute_rollups_finds_and_fixes_a_drifted_progress_history(secretariat):
    plan = f.make_plan(start_year=2022, end_year=2022)
    commitment = f.make_commitment(plan, milestones=2)
    for milestone in commitment.milestones.all():
        finish(milestone, secretariat, aware(2022, 3))
    history = PlanHistory.objects.get(plan=plan)
    assert (history.finished_months, history.n_finished_recorded) == ({"2022-03": 2}, 2)
    assert recompute_histories(fix=False) == []  # the writes kept it, as a full recount finds it
    PlanHistory.objects.filter(plan=plan).update(finished_months={}, n_finished_recorded=0)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("recompute_rollups", "--check", stdout=out, stderr=io.StringIO())
    assert f"plan history {plan.pk}: finished_months, n_finished_recorded" in out.getvalue()
    call_command("recompute_rollups", stdout=io.StringIO())
    progress = charts.plan_charts(plan, today=datetime.date(2022, 12, 1))["progress"]
    assert [point.finished for point in progress.extra["table"]][2] == 2


def test_finished_milestones_without_a_recorded_date_are_said_to_be_off_the_line(client):
    plan = f.make_plan()
    f.make_commitment(plan, milestones=2, statuses=("finished", "finished"))
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "2 finished milestones have no recorded date and are not on the line." in html


def test_the_gantt_names_every_milestone_and_its_table_has_the_same_numbers(client):
    plan = f.make_plan()
    first = f.make_commitment(plan, milestones=3, statuses=("finished", "stuck"), number=1)
    second = f.make_commitment(plan, milestones=2, statuses=("in_progress",), number=2)
    f.make_commitment(plan, published=False, milestones=4, number=3)  # a draft: not drawn

    html = client.get(plan.get_absolute_url()).content.decode()

    # One group of bars per status, overdue apart (outlined), in the model's order of statuses.
    assert bar_groups(chart_svgs(html)[f"gantt-{plan.pk}"], plan) == {
        ("not_reported", True): ["1.3 Not reported, overdue", "2.2 Not reported, overdue"],
        ("in_progress", True): ["2.1 In progress, overdue"],
        ("stuck", True): ["1.2 Stuck, overdue"],
        ("finished", False): ["1.1 Finished"],
    }
    table = chart_table(html, f"gantt-{plan.pk}")
    assert table[1] == [f"1. {first.title}", "02/2022", "04/2022", "3", "1", "2"]
    assert table[2] == [f"2. {second.title}", "02/2022", "04/2022", "2", "0", "2"]
    assert len(table) == 3
    assert f'<a href="{first.get_absolute_url()}">1. {first.title}</a>' in html


def bar_groups(gantt: ET.Element, plan) -> dict[tuple[str, bool], list[str]]:
    """The Gantt's bars as {(status, outlined as overdue): [bar names]}, in drawing order."""
    bars = gantt.find(f"{SVG}g[@class='bars']")
    prefix = f"url(#gantt-{plan.pk}-"
    found = {}
    for group in bars.findall(f"{SVG}g"):
        status = group.get("fill").removeprefix(prefix).removesuffix(")")
        found[(status, group.get("class") == "od")] = [
            rect.find(f"{SVG}title").text for rect in group.findall(f"{SVG}rect")
        ]
    return found


def test_a_title_in_the_other_language_is_clipped_and_marked_in_the_gantt_table(client):
    plan = f.make_plan()
    long_title = "Plataforma de datos abiertos de contrataciones públicas municipales"
    f.make_commitment(plan, milestones=1, number=7, title_es=long_title, original_language="es")
    html = client.get(plan.get_absolute_url()).content.decode()
    clipped = charts.clip(long_title, charts.LABEL_CHARS - 3)
    assert clipped.endswith("…") and len(clipped) < len(long_title)
    assert f'7. <span lang="es">{clipped}</span></a>' in html
    assert f"7. {clipped}" in texts(chart_svgs(html)[f"gantt-{plan.pk}"])


def marked_texts(svg: ET.Element) -> dict[str, str]:
    """The text lines of an SVG that say their language, with it."""
    return {
        " ".join("".join(t.itertext()).split()): t.get("lang")
        for t in svg.iter(f"{SVG}text")
        if t.get("lang")
    }


def test_a_title_in_the_other_language_is_marked_in_the_charts_text(client):
    plan = f.make_plan(title="", title_es="Plan de gobierno abierto", original_language="es")
    commitment = f.make_commitment(
        plan, number=3, title_es="Datos abiertos", original_language="es", ogp_id="MXMEX0007"
    )
    f.make_milestone(commitment, number=1, title_es="Diagnóstico", original_language="es")
    f.make_milestone(commitment, number=2, title_en="Final report", original_language="en")

    english = client.get(f"/en/commitments/{commitment.key}/").content.decode()
    timeline = chart_svgs(english)[f"timeline-{commitment.pk}"]
    assert marked_texts(timeline) == {"1. Diagnóstico": "es"}
    assert "2. Final report" in texts(timeline)
    spanish = client.get(f"/es/commitments/{commitment.key}/").content.decode()
    assert marked_texts(chart_svgs(spanish)[f"timeline-{commitment.pk}"]) == {
        "2. Final report": "en"
    }
    plan_page = client.get(f"/en/plans/{plan.slug}/").content.decode()
    assert marked_texts(chart_svgs(plan_page)[f"gantt-{plan.pk}"]) == {"3. Datos abiertos": "es"}
    home = client.get("/en/").content.decode()
    assert marked_texts(chart_svgs(home)["plans-chart"]) == {"Plan de gobierno abierto": "es"}
    assert marked_texts(chart_svgs(client.get("/es/").content.decode())["plans-chart"]) == {}


def _fill_plan(plan, statuses) -> int:
    count = 0
    for number in range(1, 66):
        commitment = f.make_commitment(plan, number=number, title=f"Compromiso {number} " * 8)
        for m in range(1, 5 if number > 40 else 6):
            start = datetime.date(2021 + (number + m) % 3, 1 + (m * 2) % 12, 1)
            f.make_milestone(
                commitment,
                number=m,
                start=start,
                end=start.replace(month=min(start.month + 3, 12)),
                status=statuses[(number + m) % len(statuses)],
            )
            count += 1
    return count


def test_a_plan_of_65_commitments_and_300_milestones_draws_under_60_kb_in_a_page_under_100_kb(
    client,
):
    plan = f.make_plan(start_year=2021, end_year=2023)
    statuses = MilestoneStatus.values
    with batched():  # the roll-ups recounted once, at the end (this is about drawing)
        count = _fill_plan(plan, statuses)
    assert count == 300

    for language in ("en", "es"):
        page = client.get(f"/{language}/plans/{plan.slug}/").content
        assert len(page) < 100_000, (language, len(page))
        html = page.decode()
        svgs = re.findall(r'<svg class="chart-svg".*?</svg>', html, re.S)
        size = sum(len(svg.encode()) for svg in svgs)
        assert size < 60_000, (language, size)
        gantt = chart_svgs(html)[f"gantt-{plan.pk}"]
        bars = gantt.find(f"{SVG}g[@class='bars']")
        assert len(list(bars.iter(f"{SVG}rect"))) == 300  # every milestone drawn
        assert len(chart_table(html, f"gantt-{plan.pk}")) == 66  # and every commitment listed


def test_a_plan_with_more_commitments_than_the_limit_links_to_the_rest(client, monkeypatch):
    plan = f.make_plan()
    for number in range(1, 5):
        f.make_commitment(plan, milestones=1, number=number)
    gantt = charts.plan_charts(plan)["gantt"]
    assert len(gantt.extra["rows"]) == 4 and gantt.extra["hidden"] == 0

    monkeypatch.setattr(charts, "GANTT_MAX_ROWS", 2)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "The chart shows the first 2 of 4 commitments." in html
    assert f"/en/commitments/?plan={plan.slug}" in html
    assert len(chart_table(html, f"gantt-{plan.pk}")) == 3


def test_rows_stop_before_their_milestones_exceed_the_limit_of_bars(client, monkeypatch):
    plan = f.make_plan()
    made = [f.make_commitment(plan, milestones=3, number=number) for number in (1, 2, 3)]
    monkeypatch.setattr(charts, "GANTT_MAX_BARS", 7)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "The chart shows the first 2 of 3 commitments." in html
    bars = chart_svgs(html)[f"gantt-{plan.pk}"].find(f"{SVG}g[@class='bars']")
    assert len(list(bars.iter(f"{SVG}rect"))) == 6
    assert [row[0] for row in chart_table(html, f"gantt-{plan.pk}")[1:]] == [
        f"{c.number}. {c.title}" for c in made[:2]
    ]


def test_a_commitment_with_more_milestones_than_the_chart_draws_says_so(client, monkeypatch):
    plan = f.make_plan()
    f.make_commitment(plan, milestones=5, number=4)
    f.make_commitment(plan, milestones=1, number=5)
    monkeypatch.setattr(charts, "GANTT_MAX_BARS", 3)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "The chart draws the first 3 of the 5 milestones of commitment 4." in html
    assert "The chart shows the first 1 of 2 commitments." in html
    bars = chart_svgs(html)[f"gantt-{plan.pk}"].find(f"{SVG}g[@class='bars']")
    assert sorted(t.text for t in bars.iter(f"{SVG}title")) == [
        "4.1 Not reported, overdue",
        "4.2 Not reported, overdue",
        "4.3 Not reported, overdue",
    ]
    assert chart_table(html, f"gantt-{plan.pk}")[1][3] == "5"  # the table counts them all


# Member, home and institution -----------------------------------------------------------------


def status_lines(svg: ET.Element) -> dict[str, str]:
    return {
        line.split(": ")[0].split(" ", 1)[1]: line.split(": ")[1]
        for line in texts(svg)
        if ": " in line and not line.startswith("⚠")
    }


def test_the_member_status_bar_and_its_table_have_the_same_numbers(client):
    member = f.make_member(slug="tlalnepantla")
    plan = f.make_plan(member)
    f.make_commitment(plan, milestones=4, statuses=("finished", "finished", "stuck"))
    f.make_commitment(f.make_plan(member, published=False), milestones=5)  # draft plan: left out

    html = client.get(member.get_absolute_url()).content.decode()

    svg = chart_svgs(html)[f"status-member-{member.pk}"]
    assert status_lines(svg) == {
        str(label): f"{count} ({percent}%)"
        for label, count, percent in (
            # Statuses no milestone has are left out of the bar and its legend.
            (MilestoneStatus.NOT_REPORTED.label, 1, 25),
            (MilestoneStatus.STUCK.label, 1, 25),
            (MilestoneStatus.FINISHED.label, 2, 50),
        )
    }
    assert "⚠ Overdue: 2 (50%) — end month passed, not finished" in texts(svg)
    table = chart_table(html, f"status-member-{member.pk}")
    assert ["Finished", "2", "50%"] in [[row[0].lstrip("✓ "), *row[1:]] for row in table]
    assert ["Total", "4", "100%"] in table
    assert ["⚠ Overdue", "2", "50%"] in table
    periods = chart_table(html, f"plans-member-{member.pk}")
    assert periods[1] == [
        plan.title,
        "Jan 2021 – Dec 2022",
        "2 of 4 milestones finished · 1 not reported",
    ]


def test_every_status_of_the_model_is_drawn():
    codes = [style.code for style in charts.status_styles()]
    assert codes == MilestoneStatus.values
    chart = charts.status_distribution(dict.fromkeys(codes, 1), 0, "x")
    assert [segment.style.code for segment in chart.extra["segments"]] == codes
    unknown = charts.status_style("not_yet_invented")
    assert (unknown.symbol, unknown.pattern) == (charts.FALLBACK_SYMBOL, charts.FALLBACK_PATTERN)


def test_the_home_page_draws_the_portal_status_and_every_plans_period(client):
    plan = f.make_plan(title="Plan estatal")
    f.make_commitment(plan, milestones=2, statuses=("finished",))
    html = client.get("/en/").content.decode()
    svgs = chart_svgs(html)
    assert set(svgs) == {"status-chart", "plans-chart"}
    assert "⚠ Overdue: 1 (50%) — end month passed, not finished" in texts(svgs["status-chart"])
    assert "Plan estatal" in texts(svgs["plans-chart"])


def test_the_home_plans_chart_says_how_many_plans_it_leaves_out_and_links_to_them(client):
    for year in range(2011, 2011 + HOME_PLANS):
        f.make_plan(start_year=year, end_year=year + 1)
    html = client.get("/en/").content.decode()
    assert len(chart_table(html, "plans-chart")) == HOME_PLANS + 1
    assert "not drawn" not in html  # every plan is drawn

    f.make_plan(start_year=2005, end_year=2006)  # one more earlier plan than the page lists
    f.make_plan(start_year=2024, end_year=2025, published=False)  # a draft: not counted
    html = client.get("/en/").content.decode()
    assert len(chart_table(html, "plans-chart")) == HOME_PLANS + 1
    note = html.split('<p class="chart-note">')[1].split("</p>")[0]
    assert note == '1 more action plan is not drawn. <a href="/en/plans/">See every action plan</a>'


def test_the_home_page_without_milestones_draws_nothing(client):
    html = client.get("/en/").content.decode()
    assert 'class="chart"' not in html


def test_an_institution_is_compared_with_the_median_of_the_others(client):
    mine, other_a, other_b, idle = (f.make_institution() for _ in range(4))
    f.make_commitment(lead=mine, milestones=3, statuses=("finished", "finished", "stuck"))
    f.make_commitment(lead=other_a, milestones=1, statuses=("finished",))
    f.make_commitment(lead=other_b, milestones=4, statuses=("finished",) * 4)
    f.make_commitment(lead=other_b, milestones=2, published=False)  # a draft: not counted

    html = client.get(mine.get_absolute_url()).content.decode()

    table = {
        row[0].split(" ", 1)[1]: row[1:] for row in chart_table(html, f"institution-{mine.pk}")[1:]
    }
    assert table["Finished"] == ["2", "2.5"]
    assert table["Stuck"] == ["1", "0"]
    assert "Not started" not in table  # neither it nor the median has one
    assert table["Overdue"] == ["1", "0"]
    svg = chart_svgs(html)[f"institution-{mine.pk}"]
    assert "Compared with the median of 2 other institutions." in svg.find(f"{SVG}desc").text
    assert 'class="chart"' not in client.get(idle.get_absolute_url()).content.decode()


# Cost -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["commitment", "plan", "member", "institution", "home"])
def test_chart_queries_do_not_grow_with_the_number_of_milestones(client, secretariat, page):
    def build(milestones: int) -> str:
        with batched():  # the roll-ups recounted once, at the end (this is about reading)
            return _build(milestones)

    def _build(milestones: int) -> str:
        member = f.make_member()
        lead = f.make_institution()
        plan = f.make_plan(member)
        commitment = None
        for _ in range(3):
            commitment = f.make_commitment(plan, lead=lead, milestones=milestones)
            for milestone in commitment.milestones.all()[:2]:
                finish(milestone, secretariat, aware(2022, 5))
        return {
            "commitment": commitment.get_absolute_url(),
            "plan": plan.get_absolute_url(),
            "member": member.get_absolute_url(),
            "institution": lead.get_absolute_url(),
            "home": "/en/",
        }[page]

    small = build(3)
    first = queries(client, small)  # fills the caches kept per version of the data
    few = queries(client, small)
    large = build(30)
    assert queries(client, large) == first  # after a write, whatever the size
    many = queries(client, large)
    assert few == many


def test_plan_chart_queries_do_not_grow_with_the_number_of_commitments(client, secretariat):
    def build(commitments: int) -> str:
        plan = f.make_plan()
        with batched():  # the roll-ups recounted once, at the end (this is about reading)
            for number in range(1, commitments + 1):
                commitment = f.make_commitment(plan, milestones=2, number=number)
                finish(commitment.milestones.first(), secretariat, aware(2022, 5))
        return plan.get_absolute_url()

    small = build(3)
    first = queries(client, small)  # fills the caches kept per version of the data
    again = queries(client, small)  # the charts kept for this version of the data
    assert again < first
    large = build(30)
    # After a write, whatever the size; a plan of more than one page of commitments also sorts
    # their keys, once per version of the data.
    assert queries(client, large) == first + 1
    assert queries(client, large) == again


def test_an_institution_alone_is_not_compared_with_nobody(client):
    alone = f.make_institution()
    f.make_commitment(lead=alone, milestones=2, statuses=("finished",))
    html = client.get(alone.get_absolute_url()).content.decode()
    svg = chart_svgs(html)[f"institution-{alone.pk}"]
    assert "No other institution has milestones to compare with." in svg.find(f"{SVG}desc").text
    legend = html.split(f'id="institution-{alone.pk}"')[1].split("</ul>")[0]
    assert "median" not in legend and "Upper bar" not in legend
    rows = chart_table(html, f"institution-{alone.pk}")[1:]
    assert {row[2] for row in rows} == {"—"}


def test_milestones_one_after_another_share_a_lane_and_overlapping_ones_stack():
    assert charts._lanes([(1, 3), (4, 6), (7, 9)]) == [0, 0, 0]
    assert charts._lanes([(1, 3), (2, 6), (3, 9), (7, 8)]) == [0, 1, 2, 0]
    many = charts._lanes([(1, 2)] * (charts.MAX_LANES + 3))
    assert max(many) == charts.MAX_LANES - 1  # bounded: the rest share the lanes


def test_a_commitment_with_more_milestones_than_the_limit_draws_the_first_and_says_so(
    client, monkeypatch
):
    commitment = f.make_commitment(ogp_id="MXMEX0005", milestones=5)
    monkeypatch.setattr(charts, "TIMELINE_MAX_ROWS", 3)
    html = client.get(commitment.get_absolute_url()).content.decode()
    svg = chart_svgs(html)[f"timeline-{commitment.pk}"]
    assert svg.find(f"{SVG}desc").text.startswith(
        "5 milestones planned between Feb 2022 and Apr 2022."
    )
    assert "5 are late or were finished late." in svg.find(f"{SVG}desc").text
    assert [line for line in texts(svg) if ". Milestone " in line] == [
        "1. Milestone 1",
        "2. Milestone 2",
        "3. Milestone 3",
    ]
    assert "4. Milestone 4" not in texts(svg)
    assert "The chart shows the first 3 of 5 milestones; the list below has them all." in html
    assert len(chart_table(html, f"timeline-{commitment.pk}")) == 4


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_kept_member_and_home_charts_follow_every_change_and_never_show_drafts(
    client, secretariat, persona
):
    member = f.make_member(slug="miembro")
    f.make_plan(member, title="Plan publicado", start_year=2024, end_year=2027)
    draft = f.make_plan(
        member, title="Plan en borrador", published=False, start_year=2025, end_year=2026
    )
    if persona == "secretariat":
        client.force_login(secretariat)

    def plans_drawn(url: str, chart_id: str) -> list[str]:
        html = client.get(url).content.decode()
        return [row[0] for row in chart_table(html, chart_id)[1:]]

    member_chart = f"plans-member-{member.pk}"
    for _visit in range(2):  # drawn, then read kept
        drawn = plans_drawn("/en/members/miembro/", member_chart)
        assert ("Plan en borrador" in " ".join(drawn)) is (persona == "secretariat")
        assert "Plan publicado" in " ".join(drawn)
        home = plans_drawn("/en/", "plans-chart")
        assert "Plan publicado" in " ".join(home)
        assert "Plan en borrador" not in " ".join(home)
    if persona == "secretariat":
        # What the secretariat was drawn is never what the public is served.
        client.logout()
        assert "Plan en borrador" not in " ".join(plans_drawn("/en/members/miembro/", member_chart))
    draft.status = draft.Status.PUBLISHED
    draft.save()
    assert "Plan en borrador" in " ".join(plans_drawn("/en/members/miembro/", member_chart))
    assert "Plan en borrador" in " ".join(plans_drawn("/en/", "plans-chart"))


def test_a_members_plans_chart_says_how_many_of_its_plans_it_leaves_out(client):
    member = f.make_member()
    for year in range(1990, 1990 + 32):  # two pages of the member's plans (30 a page)
        f.make_plan(member, start_year=year, end_year=year + 1)
    html = client.get(member.get_absolute_url()).content.decode()
    note = html.split('<p class="chart-note">')[1].split("</p>")[0]
    # 20 of the page's 30 are drawn; the member has 32 in all.
    assert note == '12 more action plans are not drawn. <a href="#plans">See every action plan</a>'
