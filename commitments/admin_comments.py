"""Comment moderation in the admin: the secretariat approves, rejects or marks spam."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments import services
from commitments.models import Comment
from commitments.services import moderate_comments
from ogptracker.admin_guards import GuardedAdminMixin
from ogptracker.languages import ContentLanguage, active_language


def _moderate(modeladmin, request, queryset, status: str, done) -> None:
    count = moderate_comments(comments=queryset, status=status, by=request.user)
    modeladmin.message_user(request, done(count) % {"count": count}, messages.SUCCESS)


# What comments can be attached to: the commentable pages and the published reports.
COMMENTED_MODELS = list(
    dict.fromkeys(
        [*settings.COMMENTABLE_MODELS, "reports.inceptionreport", "reports.endofcommitmentreport"]
    )
)


class CommentedTypeFilter(admin.RelatedFieldListFilter):
    """“On”: action plans, commitments and reports, not every content type Django knows."""

    def field_choices(self, field, request, model_admin):
        models = [apps.get_model(label) for label in COMMENTED_MODELS]
        types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
        return [(types[model].pk, capfirst(model._meta.verbose_name_plural)) for model in models]


class CommentModerationForm(forms.ModelForm):
    """The status, and an optional official reply published under the comment."""

    official_reply = forms.CharField(
        label=_("Official reply"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Published at once under this comment, marked as the secretariat’s reply. The "
            "comment must be approved."
        ),
    )
    reply_language = forms.ChoiceField(
        label=_("language of the reply"), choices=ContentLanguage.choices, required=False
    )

    class Meta:
        model = Comment
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_language"].initial = active_language()

    def clean(self):
        data = super().clean()
        reply = (data.get("official_reply") or "").strip()
        if reply and data.get("status", self.instance.status) != Comment.Status.APPROVED:
            self.add_error(
                "official_reply",
                _("Approve the comment before replying to it: only approved comments are shown."),
            )
        if self.instance.is_official and reply:
            self.add_error("official_reply", _("This is already the secretariat’s reply."))
        return data


@admin.register(Comment)
class CommentAdmin(GuardedAdminMixin, admin.ModelAdmin):
    form = CommentModerationForm
    list_display = ["name", "short_text", "target_link", "status", "is_official", "created_at"]
    list_filter = ["status", "is_official", ("content_type", CommentedTypeFilter), "created_at"]
    search_fields = ["name", "email", "text"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["approve", "reject", "mark_spam"]
    readonly_fields = [
        "target_link",
        "name",
        "email",
        "text",
        "reply_to",
        "created_at",
        "moderated_at",
        "moderated_by",
        "follow_requested",
        "is_official",
        "author",
        "replies_shown",
    ]
    fields = [
        *readonly_fields[:5],
        "status",
        *readonly_fields[5:],
        "official_reply",
        "reply_language",
    ]
    list_select_related = ["content_type"]
    show_full_result_count = False

    def get_queryset(self, request):
        # What each comment is on, in one query per kind, not one per row.
        return super().get_queryset(request).prefetch_related("target")

    @admin.display(description=_("replies"))
    def replies_shown(self, obj: Comment):
        replies = list(obj.replies.order_by("created_at", "pk"))
        if not replies:
            return "—"
        return format_html_join(
            "",
            "<p><strong>{}</strong>{} ({}): {}</p>",
            (
                (
                    reply.name,
                    " · " + str(_("secretariat’s reply")) if reply.is_official else "",
                    reply.get_status_display(),
                    reply.text,
                )
                for reply in replies
            ),
        )

    def has_add_permission(self, request) -> bool:
        # Comments come from the public form only.
        return False

    @admin.display(description=_("comment"))
    def short_text(self, obj: Comment) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    @admin.display(description=_("on"))
    def target_link(self, obj: Comment):
        target = obj.target
        if target is None:
            return "—"
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            moderate_comments(
                comments=Comment.objects.filter(pk=obj.pk), status=obj.status, by=request.user
            )
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)
        reply = (form.cleaned_data.get("official_reply") or "").strip()
        if reply:
            services.publish_official_reply(
                comment=obj,
                text=reply,
                by=request.user,
                language=form.cleaned_data.get("reply_language") or active_language(),
            )
            self.message_user(
                request, _("Your reply is published under the comment."), messages.SUCCESS
            )

    @admin.action(description=_("Approve the selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        _moderate(
            self,
            request,
            queryset,
            Comment.Status.APPROVED,
            lambda n: ngettext("%(count)s comment approved.", "%(count)s comments approved.", n),
        )

    @admin.action(description=_("Reject the selected comments"), permissions=["change"])
    def reject(self, request, queryset):
        _moderate(
            self,
            request,
            queryset,
            Comment.Status.REJECTED,
            lambda n: ngettext("%(count)s comment rejected.", "%(count)s comments rejected.", n),
        )

    @admin.action(description=_("Mark the selected comments as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        _moderate(
            self,
            request,
            queryset,
            Comment.Status.SPAM,
            lambda n: ngettext(
                "%(count)s comment marked as spam.", "%(count)s comments marked as spam.", n
            ),
        )
