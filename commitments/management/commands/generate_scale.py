"""Fill a database with a large, realistic, reproducible portal to measure it (``make bench``).

Defaults are ten times OGP's real size. Texts are varied Spanish and English (both language
columns), sizes are skewed (a few huge members, plans and institutions), statuses and dates lie
around today. Rows go in with ``bulk_create`` in batches; the rules the app keeps on every save are
applied once at the end: PostgreSQL search vectors (triggers paused while loading, then every
commitment's vector rebuilt), the search text elsewhere, and every roll-up.
"""

from __future__ import annotations

import datetime
import itertools
import random
import time
from bisect import bisect
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from commitments import rollups
from commitments import scale_texts as T
from commitments.models import (
    Comment,
    Commitment,
    CommitmentInstitution,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
)
from commitments.search import normalise
from plans.models import ActionPlan, Document, Institution, Member, OGPValue, PolicyArea, Sector

DEFAULTS = {
    "members": 2000,
    "plans": 10000,
    "commitments": 50000,
    "milestones": 250000,
    "updates": 500000,
    "institutions": 5000,
    "documents": 20000,
    "comments": 20000,
}
BATCH = 2000
TRIGGER_TABLES = (
    "commitments_commitment",
    "commitments_milestone",
    "commitments_commitmentinstitution",
)


def skewed_weights(rng: random.Random, n: int, alpha: float = 1.1) -> list[float]:
    """Zipf-like weights in a shuffled order: a few heavy items, a long tail."""
    weights = [1 / (rank**alpha) for rank in range(1, n + 1)]
    rng.shuffle(weights)
    return weights


def spread(rng: random.Random, total: int, n: int, weights, minimum: int = 0) -> list[int]:
    """``total`` items over ``n`` owners: ``minimum`` each, the rest drawn by ``weights``."""
    counts = [minimum] * n
    rest = total - minimum * n
    if rest < 0:
        raise CommandError("Sizes too small for the minimum per owner.")
    cumulative = list(itertools.accumulate(weights))
    top = cumulative[-1]
    for _ in range(rest):
        counts[bisect(cumulative, rng.random() * top)] += 1
    return counts


class Command(BaseCommand):
    help = "Fill the database with a large, realistic portal (defaults: ten times OGP's size)."

    def add_arguments(self, parser):
        for name, default in DEFAULTS.items():
            parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default}")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")

    def handle(self, *args, **options):
        sizes = {name: options[name] for name in DEFAULTS}
        if any(value < 0 for value in sizes.values()):
            raise CommandError("Sizes cannot be negative.")
        if sizes["members"] < 1 or sizes["institutions"] < 1:
            raise CommandError("At least one member and one institution are needed.")
        if sizes["milestones"] < sizes["commitments"] and sizes["milestones"]:
            raise CommandError("Give at least as many milestones as commitments (or none).")
        if sizes["commitments"] and not sizes["plans"]:
            raise CommandError("Commitments need at least one action plan.")
        self.rng = random.Random(options["seed"])
        self.tag = f"s{options['seed']}"
        if Member.objects.filter(slug__startswith=f"{self.tag}-").exists():
            raise CommandError(
                f"This database already holds data generated with --seed {options['seed']}; "
                "use another seed or an empty database."
            )
        self.today = timezone.localdate()
        self.started = time.monotonic()
        postgres = connection.vendor == "postgresql"
        with transaction.atomic():
            if postgres:
                for table in TRIGGER_TABLES:
                    connection.cursor().execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            members = self.make_members(sizes["members"])
            institutions = self.make_institutions(sizes["institutions"])
            plans = self.make_plans(sizes["plans"], members)
            self.make_commitments(sizes, plans, institutions, search_text=not postgres)
            self.make_documents(sizes["documents"], members, plans)
            self.make_comments(sizes["comments"], plans)
            # Which commitments the public sees, while the search trigger is off (the flag is
            # not searched).
            rollups.recompute_public()
            if postgres:
                with connection.cursor() as cursor:
                    # Checks the deferred foreign keys now: no pending event may block ALTER.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    for table in TRIGGER_TABLES:
                        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                self.say("Search vectors…")
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE commitments_commitment SET search_vector = NULL WHERE id = ANY(%s)",
                        [self.commitment_ids],
                    )
            self.say("Roll-ups…")
            rollups.recompute_all()
            rollups.recompute_histories()
        if postgres:
            with connection.cursor() as cursor:
                # Statistics for the planner and a visibility map for index-only scans
                # (VACUUM cannot run inside a caller's transaction: then statistics only).
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.say("Done: " + ", ".join(f"{value} {name}" for name, value in sizes.items()))

    def say(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f} s] {message}")

    # Members, institutions, plans --------------------------------------------------------------

    def make_members(self, count: int) -> list[Member]:
        rng = self.rng
        n_national = max(1, min(len(T.COUNTRIES), count // 25))
        rows = []
        codes = set()
        for i in range(count):
            national = i < n_national
            if national:
                es, en, code = T.COUNTRIES[i]
                name_es, name_en = es, en
            else:
                place = T.place(rng)
                kind_es, kind_en = rng.choice(T.LOCAL_KINDS)
                name_es, name_en = kind_es.format(p=place), kind_en.format(p=place)
                code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3))
                while code in codes:
                    code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
            codes.add(code)
            country = None if national else rows[rng.randrange(n_national)]
            country_es = country.name_es if country else ""
            country_en = country.name_en if country else ""
            rows.append(
                Member(
                    name_es=name_es,
                    name_en=name_en,
                    display_name_es=f"{name_es}, {country_es}" if country else name_es,
                    display_name_en=f"{name_en}, {country_en}" if country else name_en,
                    slug=f"{self.tag}-member-{i + 1}",
                    kind=Member.Kind.NATIONAL if national else Member.Kind.LOCAL,
                    country=country,
                    ogp_code=code,
                    member_since=rng.randint(2011, 2024),
                    description_es=f"{name_es} se unió a la Alianza para el Gobierno Abierto "
                    f"para abrir sus decisiones a la ciudadanía.",
                    description_en=f"{name_en} joined the Open Government Partnership to open "
                    f"its decisions to citizens.",
                    original_language="es",
                )
            )
        national_rows = Member.objects.bulk_create(rows[:n_national])
        local_rows = rows[n_national:]
        for row in local_rows:
            row.country_id = row.country.pk
        created = national_rows + Member.objects.bulk_create(local_rows, batch_size=BATCH)
        self.say(f"{len(created)} members")
        return created

    def make_institutions(self, count: int) -> list[Institution]:
        rng = self.rng
        rows = []
        for i in range(count):
            kind, es, en, sector = rng.choice(T.INSTITUTION_KINDS)
            area_es, area_en = rng.choice(T.AREAS)
            place = T.place(rng)
            name = es.format(a=area_es, p=place)
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())[:8]
            rows.append(
                Institution(
                    name=f"{name} ({i + 1})" if rng.random() < 0.5 else f"{name} · {i + 1}",
                    name_en=en.format(a=area_en, p=place),
                    acronym=acronym,
                    slug=f"{self.tag}-institution-{i + 1}",
                    kind=kind,
                    sector=sector,
                    website=f"https://{self.tag}-{i + 1}.gob.example.org/",
                )
            )
        created = Institution.objects.bulk_create(rows, batch_size=BATCH)
        self.say(f"{len(created)} institutions")
        return created

    def make_plans(self, count: int, members: list[Member]) -> list[ActionPlan]:
        rng = self.rng
        per_member = spread(rng, count, len(members), skewed_weights(rng, len(members)))
        rows = []
        year = self.today.year
        for member, n in zip(members, per_member, strict=True):
            start = year - rng.randint(0, 8)
            for k in range(n):
                start_year = max(2011, start - 2 * k) if k < 6 else rng.randint(2011, year + 1)
                end_year = start_year + rng.choice((1, 2, 2, 3))
                vision = T.pair(rng, T.VISION, p=(member.name_es, member.name_en))
                topic = rng.choice(T.TOPICS)
                challenges = T.paragraph(rng, topic, 3, T.PROBLEMS, T.STATUS_QUO)
                goals = T.paragraph(rng, topic, 2, T.GOALS)
                fields = {
                    "vision": vision,
                    "challenges": challenges,
                    "medium_term_goals": goals,
                    "introduction": T.paragraph(rng, topic, 2, T.GOALS, T.PROBLEMS),
                }
                texts = {}
                for name, (es, en) in fields.items():
                    texts[f"{name}_es"], texts[f"{name}_en"] = es, en
                rows.append(
                    ActionPlan(
                        member=member,
                        title_es=f"Plan de acción – {member.display_name_es}, "
                        f"{start_year} – {end_year}",
                        title_en=f"Action plan – {member.display_name_en}, "
                        f"{start_year} – {end_year}",
                        slug=f"{self.tag}-plan-{len(rows) + 1}",
                        start_year=start_year,
                        end_year=end_year,
                        submission_year=start_year,
                        end_month=datetime.date(end_year, rng.choice((6, 8, 12)), 1),
                        date_submitted=datetime.date(start_year, rng.randint(1, 12), 1),
                        status=(
                            ActionPlan.Status.PUBLISHED
                            if rng.random() < 0.93
                            else ActionPlan.Status.DRAFT
                        ),
                        original_language="es" if rng.random() < 0.8 else "en",
                        groups_count=rng.randint(3, 80),
                        public_meetings_count=rng.randint(1, 30),
                        **texts,
                    )
                )
        created = ActionPlan.objects.bulk_create(rows, batch_size=BATCH)
        # A few consortium plans, as Tlalnepantla joined the State of Mexico's.
        through = ActionPlan.consortium_members.through
        links = []
        for plan in rng.sample(created, min(len(created), max(1, len(created) // 50))):
            partner = rng.choice(members)
            if partner.pk != plan.member_id:
                links.append(through(actionplan_id=plan.pk, member_id=partner.pk))
        through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        self.say(f"{len(created)} action plans")
        return created

    # Commitments, milestones, updates --------------------------------------------------------------

    def milestone_dates(self, plan: ActionPlan, number: int, count: int):
        rng = self.rng
        first = datetime.date(plan.start_year, rng.randint(1, 6), 1)
        months = max(1, (plan.end_year - plan.start_year) * 12 + 6)
        start_offset = (months * (number - 1)) // max(1, count) + rng.randint(0, 2)
        length = rng.randint(1, max(2, months // max(1, count) + 3))
        start = add_months(first, start_offset)
        return start, add_months(start, length)

    def status_for(self, end: datetime.date) -> str:
        rng = self.rng
        statuses = MilestoneStatus.values
        this_month = self.today.replace(day=1)
        if end < this_month:
            options = {
                MilestoneStatus.FINISHED: 60,
                MilestoneStatus.INCOMPLETE: 12,
                MilestoneStatus.STUCK: 8,
                MilestoneStatus.IN_PROGRESS: 10,
                MilestoneStatus.NOT_STARTED: 5,
            }
        elif end < add_months(this_month, 6):
            options = {
                MilestoneStatus.IN_PROGRESS: 50,
                MilestoneStatus.FINISHED: 20,
                MilestoneStatus.STUCK: 8,
                MilestoneStatus.NOT_STARTED: 15,
            }
        else:
            options = {MilestoneStatus.NOT_STARTED: 70, MilestoneStatus.IN_PROGRESS: 30}
        # A status the app adds later (a default such as "not reported") gets its share too.
        for status in statuses:
            options.setdefault(status, 10 if status not in {"incomplete"} else 2)
        choices = [status for status in options if status in statuses]
        return rng.choices(choices, weights=[options[s] for s in choices])[0]

    def make_commitments(self, sizes, plans, institutions, *, search_text: bool) -> None:
        rng = self.rng
        n_commitments = sizes["commitments"]
        self.commitment_ids = []
        if not n_commitments:
            return
        per_plan = spread(rng, n_commitments, len(plans), skewed_weights(rng, len(plans), 0.9))
        owners = [plan for plan, n in zip(plans, per_plan, strict=True) for _ in range(n)]
        milestone_counts = spread(
            rng,
            sizes["milestones"],
            n_commitments,
            [rng.lognormvariate(0, 0.6) for _ in range(n_commitments)],
            minimum=1 if sizes["milestones"] else 0,
        )
        institution_weights = list(
            itertools.accumulate(skewed_weights(rng, len(institutions), 1.0))
        )
        values = list(OGPValue.objects.all())
        areas = list(PolicyArea.objects.all())
        sectors = list(Sector.objects.all())
        members = {m.pk: m for m in Member.objects.only("pk", "ogp_code", "kind", "country_id")}
        numbers = Counter()
        updates_left = sizes["updates"]
        milestones_left = sizes["milestones"]
        ogp_number = Counter()
        for start in range(0, n_commitments, BATCH):
            chunk = range(start, min(start + BATCH, n_commitments))
            rows, chunk_plans, roles, extra_plans = [], [], [], []
            for i in chunk:
                plan = owners[i]
                numbers[plan.pk] += 1
                topic = rng.choice(T.TOPICS)
                title = T.pair(rng, T.ACTIONS, t=topic)
                problem = T.paragraph(rng, topic, rng.randint(1, 3), T.PROBLEMS)
                status_quo = T.paragraph(rng, topic, rng.randint(1, 2), T.STATUS_QUO)
                action = T.paragraph(rng, topic, rng.randint(1, 3), T.ACTIONS, T.GOALS)
                goal = T.paragraph(rng, topic, 1, T.GOALS)
                member = members[plan.member_id]
                ogp_id = ""
                if rng.random() < 0.6:
                    country = members.get(member.country_id) if member.country_id else member
                    prefix = f"{(country or member).ogp_code[:2]}{member.ogp_code}"
                    ogp_number[prefix] += 1
                    if ogp_number[prefix] <= 9999:
                        ogp_id = f"{prefix}{ogp_number[prefix]:04d}"
                first_month = datetime.date(plan.start_year, rng.randint(1, 6), 1)
                row = Commitment(
                    ogp_id=ogp_id,
                    number=min(numbers[plan.pk], 32767),
                    title_es=title[0][:500],
                    title_en=title[1][:500],
                    problem_es=problem[0],
                    problem_en=problem[1],
                    status_quo_es=status_quo[0],
                    status_quo_en=status_quo[1],
                    action_es=action[0],
                    action_en=action[1],
                    long_term_goal_es=goal[0],
                    long_term_goal_en=goal[1],
                    primary_policy_area=rng.choice(areas) if areas else None,
                    primary_sector=rng.choice(sectors) if sectors else None,
                    start=first_month,
                    end=add_months(first_month, (plan.end_year - plan.start_year) * 12 + 5),
                    is_published=rng.random() < 0.96,
                    original_language="es" if rng.random() < 0.8 else "en",
                )
                rows.append(row)
                chunk_plans.append(plan)
            Commitment.objects.bulk_create(rows)
            through = Commitment.action_plans.through
            links = [
                through(commitment_id=row.pk, actionplan_id=plan.pk)
                for row, plan in zip(rows, chunk_plans, strict=True)
            ]
            for row, plan in zip(rows, chunk_plans, strict=True):
                if rng.random() < 0.03:
                    other = rng.choice(plans)
                    if other.pk != plan.pk:
                        extra_plans.append(through(commitment_id=row.pk, actionplan_id=other.pk))
            through.objects.bulk_create(links + extra_plans, ignore_conflicts=True)
            value_links = []
            for row in rows:
                for value in rng.sample(values, rng.randint(0, min(3, len(values)))):
                    value_links.append(
                        Commitment.ogp_values.through(commitment_id=row.pk, ogpvalue_id=value.pk)
                    )
            Commitment.ogp_values.through.objects.bulk_create(value_links)
            names = {}
            for row in rows:
                chosen = set()
                for k in range(1 + min(3, int(rng.expovariate(1.2)))):
                    index = bisect(institution_weights, rng.random() * institution_weights[-1])
                    institution = institutions[index]
                    if institution.pk in chosen:
                        continue
                    chosen.add(institution.pk)
                    roles.append(
                        CommitmentInstitution(
                            commitment_id=row.pk,
                            institution_id=institution.pk,
                            role=(
                                CommitmentInstitution.Role.LEAD
                                if k == 0
                                else CommitmentInstitution.Role.SUPPORTING
                            ),
                            contact_name=f"Enlace {rng.randint(1, 999)}",
                        )
                    )
                    names.setdefault(row.pk, []).extend(
                        [institution.name, institution.name_en, institution.acronym]
                    )
            CommitmentInstitution.objects.bulk_create(roles)
            milestones = []
            leads = {}
            for role in roles:
                leads.setdefault(role.commitment_id, role.institution_id)
            for i, row, plan in zip(chunk, rows, chunk_plans, strict=True):
                count = milestone_counts[i]
                milestones_left -= count
                lead = leads.get(row.pk)
                for number in range(1, count + 1):
                    start_date, end_date = self.milestone_dates(plan, number, count)
                    title = T.pair(
                        rng, T.MILESTONES, t=rng.choice(T.TOPICS), n=rng.randint(10, 400)
                    )
                    description = T.paragraph(rng, rng.choice(T.TOPICS), 1, T.ACTIONS, T.NOTES)
                    milestones.append(
                        Milestone(
                            commitment_id=row.pk,
                            number=number,
                            title_es=title[0],
                            title_en=title[1],
                            description_es=description[0],
                            description_en=description[1],
                            start=start_date,
                            end=end_date,
                            responsible_institution_id=(
                                lead if lead and rng.random() < 0.7 else None
                            ),
                            status=self.status_for(end_date),
                            original_language=row.original_language,
                        )
                    )
            Milestone.objects.bulk_create(milestones, batch_size=BATCH)
            share = (
                round(updates_left * len(milestones) / (len(milestones) + milestones_left))
                if milestones
                else 0
            )
            updates_left -= self.make_updates(milestones, share)
            if search_text:
                self.fill_search_text(rows, milestones, names)
            self.commitment_ids += [row.pk for row in rows]
            self.say(f"{start + len(rows)} commitments, {len(milestones)} milestones in batch")

    def make_updates(self, milestones: list[Milestone], total: int) -> int:
        """``total`` history entries over ``milestones``, each chain ending at its status."""
        rng = self.rng
        if not milestones or total <= 0:
            return 0
        per_milestone = spread(
            rng, total, len(milestones), [rng.paretovariate(1.6) for _ in milestones]
        )
        statuses = MilestoneStatus.values
        start_status = "not_reported" if "not_reported" in statuses else MilestoneStatus.NOT_STARTED
        now = timezone.now()
        rows = []
        for milestone, count in zip(milestones, per_milestone, strict=True):
            if not count:
                continue
            chain = [rng.choice(statuses) for _ in range(count - 1)] + [milestone.status]
            old = start_status
            begin = datetime.datetime.combine(
                milestone.start, datetime.time(10), tzinfo=datetime.UTC
            )
            span = max(1.0, (min(now, begin + datetime.timedelta(days=400)) - begin).days)
            for k, new in enumerate(chain):
                when = begin + datetime.timedelta(days=span * (k + 1) / (count + 1))
                when = min(when, now - datetime.timedelta(minutes=count - k))
                note = T.pair(rng, T.NOTES, n=rng.randint(5, 300))
                language = "es" if rng.random() < 0.8 else "en"
                rows.append(
                    MilestoneUpdate(
                        milestone_id=milestone.pk,
                        created_at=when,
                        old_status=old,
                        new_status=new,
                        note=note[0] if language == "es" else note[1],
                        language=language,
                    )
                )
                old = new
        MilestoneUpdate.objects.bulk_create(rows, batch_size=BATCH * 2)
        return len(rows)

    def fill_search_text(self, rows, milestones, names) -> None:
        by_commitment: dict[int, list[str]] = {}
        for milestone in milestones:
            by_commitment.setdefault(milestone.commitment_id, []).extend(
                [
                    milestone.title_es,
                    milestone.title_en,
                    milestone.description_es,
                    milestone.description_en,
                ]
            )
        for row in rows:
            parts = [
                row.ogp_id,
                row.title_es,
                row.title_en,
                row.problem_es,
                row.problem_en,
                row.status_quo_es,
                row.status_quo_en,
                row.action_es,
                row.action_en,
                row.long_term_goal_es,
                row.long_term_goal_en,
            ]
            parts += by_commitment.get(row.pk, []) + names.get(row.pk, [])
            row.search_text = normalise(" ".join(p for p in parts if p))
        Commitment.objects.bulk_update(rows, ["search_text"], batch_size=500)

    # Documents and comments -----------------------------------------------------------------------

    def make_documents(self, count: int, members, plans) -> None:
        rng = self.rng
        weights = list(itertools.accumulate(skewed_weights(rng, len(members), 1.2)))
        types = [value for value, _label in Document.Type.choices]
        rows = []
        for i in range(count):
            title = rng.choice(T.DOCUMENTS)
            year = rng.randint(2012, self.today.year)
            member = members[bisect(weights, rng.random() * weights[-1])]
            plan = rng.choice(plans) if plans and rng.random() < 0.3 else None
            rows.append(
                Document(
                    title_es=f"{title[0]} {year} ({i + 1})",
                    title_en=f"{title[1]} {year} ({i + 1})",
                    doc_type=rng.choice(types),
                    year=year,
                    url=f"https://docs.example.org/{self.tag}/{i + 1}.pdf",
                    language=rng.choice(("es", "es", "es", "en")),
                    member=None if plan else member,
                    action_plan=plan,
                    original_language="es",
                )
            )
        Document.objects.bulk_create(rows, batch_size=BATCH)
        self.say(f"{len(rows)} documents")

    def make_comments(self, count: int, plans) -> None:
        rng = self.rng
        if not count:
            return
        commitment_type = ContentType.objects.get_for_model(Commitment)
        plan_type = ContentType.objects.get_for_model(ActionPlan)
        ids = self.commitment_ids
        weights = list(itertools.accumulate(skewed_weights(rng, len(ids), 1.1))) if ids else []
        statuses = [s for s, _label in Comment.Status.choices]
        now = timezone.now()
        rows = []
        for i in range(count):
            on_plan = not ids or rng.random() < 0.2
            language = "es" if rng.random() < 0.8 else "en"
            text = rng.choice(T.COMMENTS)
            rows.append(
                Comment(
                    content_type=plan_type if on_plan else commitment_type,
                    object_id=(
                        rng.choice(plans).pk
                        if on_plan
                        else ids[bisect(weights, rng.random() * weights[-1])]
                    ),
                    name=f"{rng.choice(('Ana', 'Luis', 'María', 'José', 'Sam', 'Lee'))} {i + 1}",
                    email=f"person{i + 1}@example.org",
                    text=text[0] if language == "es" else text[1],
                    language=language,
                    status=rng.choices(statuses, weights=(5, 85, 5, 5))[0],
                    created_at=now - datetime.timedelta(minutes=rng.randint(1, 2_000_000)),
                )
            )
        Comment.objects.bulk_create(rows, batch_size=BATCH)
        self.say(f"{len(rows)} comments")


def add_months(day: datetime.date, months: int) -> datetime.date:
    total = day.year * 12 + day.month - 1 + months
    return datetime.date(total // 12, total % 12 + 1, 1)
