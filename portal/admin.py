"""The secretariat's admin for the portal's identity and for people (implementers, evaluators)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from ogptracker.admin_guards import GuardedAdminMixin
from ogptracker.bilingual_admin import BilingualAdmin, BilingualTabularInline
from ogptracker.languages import active_language
from plans.roles import EVALUATOR, IMPLEMENTER, SECRETARIAT, is_secretariat
from portal import services
from portal.forms import PersonForm
from portal.models import FooterLink, Person, SiteSettings


class SecretariatOnly:
    """Only the secretariat (and superusers) see and change these screens."""

    def has_module_permission(self, request) -> bool:
        return is_secretariat(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_secretariat(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_secretariat(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FooterLinkInline(SecretariatOnly, BilingualTabularInline):
    model = FooterLink
    extra = 1
    fields = ("label", "url", "position")

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_secretariat(request.user)


@admin.register(SiteSettings)
class SiteSettingsAdmin(SecretariatOnly, BilingualAdmin):
    inlines = [FooterLinkInline]
    filter_horizontal = ("owners",)
    fieldsets = [
        (_("Identity"), {"fields": ("name", "tagline", "description", "owners", "logo")}),
        (_("Contact"), {"fields": ("contact_email", "contact_address")}),
        (_("Pages"), {"fields": ("privacy_notice", "accessibility_statement")}),
        (_("Security"), {"fields": ("require_staff_two_factor",)}),
        (None, {"fields": ("original_language",)}),
    ]

    def has_add_permission(self, request, *args) -> bool:
        # The one record exists from the start (a data migration); the list opens it.
        return False

    def changelist_view(self, request, extra_context=None):
        # One record: the list goes straight to it (created with the defaults if missing).
        settings, _created = SiteSettings.objects.get_or_create(pk=1)
        return redirect(reverse("admin:portal_sitesettings_change", args=[settings.pk]))


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(IMPLEMENTER, _("Implementer")), (EVALUATOR, _("Evaluator"))]

    def queryset(self, request, queryset):
        if self.value() in {IMPLEMENTER, EVALUATOR}:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(Person)
class PersonAdmin(SecretariatOnly, GuardedAdminMixin, admin.ModelAdmin):
    """Invite, edit, deactivate and reset implementers and evaluators; nothing more."""

    # Signing in is not an edit: it never makes a secretariat member's open form stale.
    version_ignores = ("last_login",)

    form = PersonForm
    list_display = ("full_name", "email", "role", "is_active", "last_login", "date_joined")
    list_filter = (RoleFilter, "is_active")
    search_fields = ("first_name", "last_name", "email", "username")
    ordering = ("last_name", "first_name")
    readonly_fields = ("username", "last_login", "date_joined", "password_state")
    actions = ["deactivate", "reset_access"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fields(self, request, obj=None):
        fields = ["first_name", "last_name", "email", "role", "institutions"]
        if obj is not None:
            fields += ["is_active", "username", "password_state", "last_login", "date_joined"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = [
            f for f in ("first_name", "last_name", "email", "is_active") if obj or f != "is_active"
        ]
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj) -> str:
        return obj.get_full_name() or obj.username

    @admin.display(description=_("role"))
    def role(self, obj) -> str:
        names = {group.name for group in obj.groups.all()}
        return str(_("Implementer") if IMPLEMENTER in names else _("Evaluator"))

    @admin.display(description=_("password"))
    def password_state(self, obj) -> str:
        if obj.has_usable_password():
            return str(_("Set by the person"))
        return str(_("Not set yet: the person has an invitation link"))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "role": data["role"],
            "institutions": data.get("institutions") or [],
        }
        try:
            if change:
                saved = services.update_person(
                    by=request.user,
                    person=obj,
                    is_active=data.get("is_active", obj.is_active),
                    **fields,
                )
            else:
                saved = services.invite_person(
                    by=request.user, language=active_language(), **fields
                )
                messages.info(
                    request,
                    _("An invitation to choose a password was sent to %(email)s.")
                    % {"email": saved.email},
                )
        except ValidationError as error:
            raise PermissionDenied(error.messages[0]) from error
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # Groups and institutions are set by the service, from the form's role.
        pass

    @admin.action(description=_("Deactivate the selected people"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = 0
        for person in queryset:
            services.deactivate_person(by=request.user, person=person)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s person can no longer sign in.",
                "%(count)s people can no longer sign in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Reset access: remove the password and send a new link"),
        permissions=["change"],
    )
    def reset_access(self, request, queryset):
        count = 0
        for person in queryset:
            services.reset_access(by=request.user, person=person, language=active_language())
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)s person was sent a new link to choose a password.",
                "%(count)s people were sent a new link to choose a password.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


TOKEN_HOLDER_REFUSED = _(
    "Choose yourself, an implementer or an evaluator: a token for anyone else is issued by an "
    "administrator."
)


def token_holders(user) -> QuerySet:
    """Whom ``user`` may issue an API token to: anyone for a superuser; otherwise themselves and
    implementers and evaluators, never a superuser or another member of the secretariat."""
    if user.is_superuser:
        return User.objects.all()
    people = (
        User.objects.filter(groups__name__in=[IMPLEMENTER, EVALUATOR])
        .exclude(is_superuser=True)
        .exclude(groups__name=SECRETARIAT)
    )
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=people.values("pk")))


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class PortalTokenAdmin(TokenAdmin):
    """API tokens: the secretariat issues them to itself and to the people it manages; it
    neither sees nor issues tokens of superusers or of its colleagues."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset.filter(user__in=token_holders(request.user))

    def get_object(self, request, object_id, from_field=None):
        token = super().get_object(request, object_id, from_field)
        if token is None:
            raise Http404(_("No token with this ID is yours to manage."))
        return token

    def get_readonly_fields(self, request, obj=None):
        # A token belongs to one person for its life: it is deleted, never handed to another.
        return ("user",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = token_holders(request.user).order_by("username")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            field.error_messages["invalid_choice"] = TOKEN_HOLDER_REFUSED
        return field
