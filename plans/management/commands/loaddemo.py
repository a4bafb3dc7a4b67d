"""Load the demo data transcribed from OGP's pages (``fixtures/demo.py``), idempotently."""

from __future__ import annotations

import importlib
import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import translation

from ogptracker.languages import other_language, translatable_fields
from plans.models import (
    ActionPlan,
    Contact,
    Document,
    Forum,
    ForumMembership,
    Institution,
    Meeting,
    Member,
    OGPValue,
    PolicyArea,
    Sector,
)

DATA_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.py"
TRANSLATIONS_FILE = Path(settings.BASE_DIR) / "fixtures" / "translations.py"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def load_data(path: Path = DATA_FILE) -> ModuleType:
    """Import the demo data module from its file (``fixtures/`` is data, not a package)."""
    if not path.is_file():
        raise CommandError(f"The demo data file {path} is missing.")
    spec = importlib.util.spec_from_file_location("ogptracker_demo_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Loader:
    """Creates missing rows and fills the empty fields of existing ones; never deletes.

    A value already in the database is never replaced, so what the secretariat edited (a text,
    a translation, a date, unpublishing) survives every later run, and a second run writes
    nothing. Fields the data does not list (a milestone's status) are left alone.

    Each seed text is stored as the original in its own language, and its translation from
    ``fixtures/translations.py`` as the other language's version (shown marked as a
    translation). A text with no translation (a proper name) reads the same in both.
    """

    def __init__(self, translations: ModuleType | None = None) -> None:
        self.tally: dict[str, Counter] = {}
        self.to_spanish = getattr(translations, "TO_SPANISH", {})
        self.to_english = getattr(translations, "TO_ENGLISH", {})

    def in_both_languages(self, model: type[models.Model], values: dict[str, Any]) -> dict:
        """Put each seed text of a translated field in its language's column, with its
        translation in the other; the record's original language is its first text's."""
        fields = translatable_fields(model)
        if not fields:
            return values
        result: dict[str, Any] = {}
        original = None
        for name, text in values.items():
            if name not in fields:
                result[name] = text
                continue
            if text in self.to_spanish:
                language, translation = "en", self.to_spanish[text]
            elif text in self.to_english:
                language, translation = "es", self.to_english[text]
            else:
                language, translation = None, text  # a name, the same in both languages
            if language and original is None:
                original = language
            own = language or original or "es"
            result[f"{name}_{own}"] = text
            result[f"{name}_{other_language(own)}"] = translation
        result["original_language"] = original or "es"
        return result

    def count(self, label: str, outcome: str) -> None:
        self.tally.setdefault(label, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c[CREATED] or c[UPDATED] for c in self.tally.values())

    def sync(
        self,
        label: str,
        model: type[models.Model],
        find: dict[str, Any],
        values: dict[str, Any],
    ) -> models.Model:
        """Find the row by its natural key (``find``), create it or update what differs."""
        values = self.in_both_languages(model, values)
        rows = model.objects.all()
        if translatable_fields(model):
            rows = rows.rewrite(False)  # natural keys match the original texts' plain columns
        obj = rows.filter(**find).order_by("pk").first()
        if obj is None:
            obj = model()
            self._assign(obj, values)
            self._save(obj, label)
            self.count(label, CREATED)
            return obj
        if self._assign(obj, values, fill_only=True):
            self._save(obj, label)
            self.count(label, UPDATED)
        else:
            self.count(label, UNCHANGED)
        return obj

    def add_related(self, label: str, obj: models.Model, field: str, targets: list) -> None:
        """Add the missing targets of a many-to-many field (existing ones are kept)."""
        manager = getattr(obj, field)
        present = set(manager.values_list("pk", flat=True))
        missing = [t for t in targets if t.pk not in present]
        if missing:
            manager.add(*missing)
            self.touch(label)

    def touch(self, label: str) -> None:
        """Count a change to the many-to-many relations of a row counted unchanged as an update."""
        counter = self.tally.setdefault(label, Counter())
        if counter[UNCHANGED]:
            counter[UNCHANGED] -= 1
            counter[UPDATED] += 1

    @staticmethod
    def _assign(obj: models.Model, values: dict[str, Any], fill_only: bool = False) -> bool:
        """Set ``values`` on ``obj`` (with ``fill_only``, only where it holds nothing yet)."""
        changed = False
        for name, value in values.items():
            field = obj._meta.get_field(name)
            if field.many_to_one or field.one_to_one:
                attname, value = field.attname, (value.pk if value is not None else None)
            else:
                attname = name
            current = getattr(obj, attname)
            if fill_only and current not in (None, ""):
                continue
            if current != value:
                setattr(obj, attname, value)
                changed = True
        return changed

    @staticmethod
    def _save(obj: models.Model, label: str) -> None:
        try:
            obj.full_clean()
        except ValidationError as error:
            raise CommandError(f"{label} “{obj}”: {error.messages}") from error
        obj.save()


class Command(BaseCommand):
    help = (
        "Load the demo data transcribed from OGP's pages (fixtures/demo.py): members Mexico, "
        "Mexico State and Tlalnepantla de Baz; their institutions, Local Technical Secretariat "
        "and co-creation meetings; the Tlalnepantla de Baz and Mexico State action plans with "
        "their commitments and milestones; Mexico's 90 resources; the published Inception and End of "
        "Commitment Reports with their answers in both languages; and, when DEBUG is on, the "
        "users secretariat, implementer and evaluator (password “demo”). Running it again "
        "changes nothing; it creates missing rows and restores the seeds' values, and never "
        "deletes anything."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-users",
            action="store_true",
            help="Load the content only, without the demo users (allowed when DEBUG is off).",
        )

    def handle(self, *args, **options) -> None:
        with_users = not options["no_users"]
        if with_users and not settings.DEBUG:
            # Refuse before writing anything: a production database gets no “demo” passwords.
            raise CommandError(
                "DEBUG is off: refusing to create the demo users, whose password is “demo”. "
                "Nothing was loaded. Set DEBUG=1 for a development database, or run "
                "“manage.py loaddemo --no-users” to load only the demo content."
            )
        self.verbosity = options["verbosity"]
        data = load_data()
        self.loader = Loader(load_data(TRANSLATIONS_FILE))
        with transaction.atomic(), translation.override(None):
            self.load_members(data)
            self.load_site_settings()
            self.load_institutions(data)
            self.load_contacts(data)
            self.load_forums(data)
            self.load_plans(data)
            self.load_meetings(data)
            self.load_commitments(data)
            self.load_documents(data)
            if with_users:
                self.load_users(data)
            self.load_reports()
        self.report(with_users, data)

    # --- members, institutions, the forum ------------------------------------------------------

    def load_members(self, data: ModuleType) -> None:
        self.members: dict[str, Member] = {}
        # Nationals first: a local member points to its country.
        for entry in sorted(data.MEMBERS, key=lambda e: "country" in e):
            values = {k: v for k, v in entry.items() if k != "country"}
            if "country" in entry:
                values["country"] = self.members[entry["country"]]
            self.members[entry["slug"]] = self.loader.sync(
                "Members", Member, {"slug": entry["slug"]}, values
            )

    def load_site_settings(self) -> None:
        """The demo portal is the State of Mexico's; a secretariat's own edits are kept."""
        site_settings = apps.get_model("portal", "SiteSettings")  # portal reads plans, not back
        record, _created = site_settings.objects.get_or_create(pk=1)
        if record.owners.exists():
            return
        record.tagline_es, record.tagline_en = "Estado de México", "State of Mexico"
        record.original_language = record.original_language or "es"
        record.save()
        record.owners.set([self.members["mexico-state"]])

    def load_institutions(self, data: ModuleType) -> None:
        self.institutions: dict[str, Institution] = {}
        for entry in data.INSTITUTIONS:
            self.institutions[entry["slug"]] = self.loader.sync(
                "Institutions", Institution, {"slug": entry["slug"]}, dict(entry)
            )

    def load_contacts(self, data: ModuleType) -> None:
        for entry in data.CONTACTS:
            values = dict(entry, member=self.members[entry["member"]])
            self.loader.sync(
                "Points of contact",
                Contact,
                {"member": values["member"], "name": entry["name"]},
                values,
            )

    def load_forums(self, data: ModuleType) -> None:
        self.forums: dict[str, Forum] = {}
        for entry in data.FORUMS:
            values = dict(entry, member=self.members[entry["member"]])
            self.forums[entry["slug"]] = self.loader.sync(
                "Forums", Forum, {"slug": entry["slug"]}, values
            )
        for entry in data.FORUM_MEMBERSHIPS:
            values = dict(
                entry,
                forum=self.forums[entry["forum"]],
                institution=self.institution(entry["institution"]),
            )
            find = {k: values[k] for k in ("forum", "institution", "person")}
            self.loader.sync("Forum memberships", ForumMembership, find, values)

    def institution(self, slug: str | None) -> Institution | None:
        return self.institutions[slug] if slug else None

    # --- plans and meetings --------------------------------------------------------------------

    def load_plans(self, data: ModuleType) -> None:
        self.plans: dict[str, ActionPlan] = {}
        relations = ("consortium_members", "lead_institutions", "endorsements", "answers")
        for entry in data.ACTION_PLANS:
            values = {k: v for k, v in entry.items() if k not in relations}
            values.update(entry["answers"])
            values["member"] = self.members[entry["member"]]
            plan = self.loader.sync("Action plans", ActionPlan, {"slug": entry["slug"]}, values)
            self.loader.add_related(
                "Action plans",
                plan,
                "consortium_members",
                [self.members[s] for s in entry["consortium_members"]],
            )
            for field in ("lead_institutions", "endorsements"):
                targets = [self.institutions[s] for s in entry[field]]
                self.loader.add_related("Action plans", plan, field, targets)
            self.plans[entry["slug"]] = plan

    def load_meetings(self, data: ModuleType) -> None:
        for entry in data.MEETINGS:
            values = dict(
                entry,
                forum=self.forums[entry["forum"]],
                action_plan=self.plans[entry["action_plan"]],
                coordinating_institution=self.institution(entry["coordinating_institution"]),
            )
            find = {"title": entry["title"], "date": entry["date"]}
            self.loader.sync("Meetings", Meeting, find, values)

    # --- commitments and milestones ------------------------------------------------------------

    def load_commitments(self, data: ModuleType) -> None:
        # Looked up by name: plans does not import commitments (imports run the other way).
        commitment_model = apps.get_model("commitments", "Commitment")
        role_model = apps.get_model("commitments", "CommitmentInstitution")
        milestone_model = apps.get_model("commitments", "Milestone")
        self.commitments: dict[str, models.Model] = {}
        for entry in data.COMMITMENTS:
            plans = [self.plans[s] for s in entry["action_plans"]]
            values = {
                "ogp_id": entry.get("ogp_id", ""),
                "number": entry["number"],
                "title": entry["title"],
                "short_title": entry.get("short_title", ""),
                # Public on OGP's site, in published plans.
                "is_published": entry.get("is_published", True),
                **entry.get("texts", {}),
            }
            for field in ("start", "end"):
                if field in entry:
                    values[field] = entry[field]
            if "primary_policy_area" in entry:
                values["primary_policy_area"] = self.term(PolicyArea, entry["primary_policy_area"])
            if "primary_sector" in entry:
                values["primary_sector"] = self.term(Sector, entry["primary_sector"])
            if values["ogp_id"]:
                find = {"ogp_id": values["ogp_id"]}
            else:
                # Titles repeat across members; within its plan a title names one commitment.
                find = {"title": values["title"], "action_plans": plans[0]}
            commitment = self.loader.sync("Commitments", commitment_model, find, values)
            self.loader.add_related("Commitments", commitment, "action_plans", plans)
            values_terms = [self.term(OGPValue, s) for s in entry.get("ogp_values", ())]
            self.loader.add_related("Commitments", commitment, "ogp_values", values_terms)
            for role in entry.get("institutions", ()):
                institution = self.institutions[role["institution"]]
                self.loader.sync(
                    "Commitment institutions",
                    role_model,
                    {"commitment": commitment, "institution": institution},
                    {"commitment": commitment, "institution": institution, "role": role["role"]},
                )
            for milestone in entry.get("milestones", ()):
                # The status is not listed: it starts at the default and only
                # change_milestone_status moves it afterwards.
                self.loader.sync(
                    "Milestones",
                    milestone_model,
                    {"commitment": commitment, "number": milestone["number"]},
                    dict(milestone, commitment=commitment),
                )
            self.commitments[values["ogp_id"] or values["title"]] = commitment

    @staticmethod
    def term(model: type[models.Model], slug: str) -> models.Model:
        try:
            return model.objects.get(slug=slug)
        except model.DoesNotExist:
            raise CommandError(
                f"The {model._meta.verbose_name} “{slug}” is missing: run “manage.py migrate”, "
                f"which seeds the vocabularies, or add it in the admin."
            ) from None

    # --- documents -----------------------------------------------------------------------------

    def load_documents(self, data: ModuleType) -> None:
        types = {label: value for value, label in Document.Type.choices}
        mexico = self.members["mexico"]
        for position, (title, year, type_label) in enumerate(data.MEXICO_DOCUMENTS, start=1):
            values = {
                "member": mexico,
                "title": title,
                "year": year,
                "doc_type": self.doc_type(types, type_label),
                "position": position,
            }
            link = data.MEXICO_DOCUMENT_LINKS.get(position, {})
            if "action_plan" in link:
                values["action_plan"] = self.plans[link["action_plan"]]
            if "commitment" in link:
                values["commitment"] = self.commitments[link["commitment"]]
            find = {"member": mexico, "title": title, "position": position}
            self.loader.sync("Documents", Document, find, values)
        for entry in data.PLAN_DOCUMENTS:
            plan = self.plans[entry["action_plan"]]
            values = {
                "action_plan": plan,
                "title": entry["title"],
                "doc_type": self.doc_type(types, entry["doc_type"]),
            }
            find = {"action_plan": plan, "title": entry["title"]}
            self.loader.sync("Documents", Document, find, values)

    @staticmethod
    def doc_type(types: dict[str, str], label: str) -> str:
        if not label:
            return ""
        try:
            return types[label]
        except KeyError:
            raise CommandError(f"Unknown document type “{label}” in the demo data.") from None

    # --- users and reports ---------------------------------------------------------------------

    def load_users(self, data: ModuleType) -> None:
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        for entry in data.USERS:
            user = user_model.objects.filter(username=entry["username"]).first()
            if user is None:
                user = user_model(
                    username=entry["username"],
                    email=entry.get("email", ""),
                    is_staff=entry["is_staff"],
                )
                # Only a new user gets the demo password; an existing one keeps its own.
                user.set_password(data.DEMO_PASSWORD)
                user.save()
                self.loader.count("Users", CREATED)
            elif user.is_staff != entry["is_staff"]:
                user.is_staff = entry["is_staff"]
                user.save(update_fields=["is_staff"])
                self.loader.count("Users", UPDATED)
            else:
                self.loader.count("Users", UNCHANGED)
            if not user.email and entry.get("email"):
                # Reminders need an address; the demo's go to example.org, printed by `make run`.
                user.email = entry["email"]
                user.save(update_fields=["email"])
            try:
                group = Group.objects.get(name=entry["group"])
            except Group.DoesNotExist:
                raise CommandError(
                    f"The group “{entry['group']}” is missing: run “manage.py migrate”."
                ) from None
            self.loader.add_related("Users", user, "groups", [group])
            for slug in entry["institutions"]:
                institution = self.institutions[slug]
                if not institution.staff.filter(pk=user.pk).exists():
                    institution.staff.add(user)
                    self.loader.touch("Users")

    def load_reports(self) -> None:
        """Hand over to the reports app's demo loader when it has one (after users exist); it
        stores the report answers with this loader, so they are translated, filled and counted
        as the rest."""
        try:
            reports_demo = importlib.import_module("reports.demo")
        except ModuleNotFoundError as error:
            if error.name not in {"reports", "reports.demo"}:
                raise  # a broken import inside reports.demo must not pass silently
            return
        reports_demo.load_demo_reports(self.stdout, loader=self.loader)

    # --- summary -------------------------------------------------------------------------------

    def report(self, with_users: bool, data: ModuleType) -> None:
        if self.verbosity < 1:
            return
        for label, counter in self.loader.tally.items():
            self.stdout.write(
                f"{label:<26} {counter[CREATED]:>3} created, {counter[UPDATED]:>3} updated, "
                f"{counter[UNCHANGED]:>3} unchanged"
            )
        if self.loader.changed:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already up to date: nothing changed."))
        if with_users:
            names = ", ".join(u["username"] for u in data.USERS)
            self.stdout.write(
                f"Demo users: {names} (password “{data.DEMO_PASSWORD}” for new users)."
            )
        else:
            self.stdout.write("Demo users skipped (--no-users).")
