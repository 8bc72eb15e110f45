"""The school's notification channels (WeCom, DingTalk, Feishu group bots and shared mailboxes):
list, add, edit, delete and "send a test message". The signing secret is never shown."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from houqin.core import errors, notify
from houqin.core.channel_settings import masked_webhook, scrub, send_test_message
from houqin.core.forms_channels import ChannelForm
from houqin.core.models import Delivery, SchoolChannel
from houqin.core.scoping import can
from houqin.core.views.generic import ObjectDeleteView, ObjectEditView, ScopedViewMixin

PAGE_SIZE = 50

# ---------------------------------------------------------------- pages


@dataclass
class ChannelRow:
    channel: SchoolChannel
    address: str
    categories: list[str]
    last_status: str | None
    last_status_label: str
    last_at: object
    last_error: str


class ChannelListView(ScopedViewMixin, View):
    """Every channel of the school with its latest delivery, in a fixed number of queries."""

    model = SchoolChannel
    route_prefix = "channel"
    template_name = "core/channels/list.html"

    def get(self, request):
        if not self.may("view"):
            raise PermissionDenied
        latest = Delivery.objects.filter(channel=OuterRef("pk")).order_by("-pk")
        queryset = (
            self.restricted("view")
            .annotate(
                last_status=Subquery(latest.values("status")[:1]),
                last_at=Subquery(latest.values("updated_at")[:1]),
                last_error=Subquery(latest.values("last_error")[:1]),
            )
            .order_by("name", "pk")
        )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        labels = dict(notify.categories())
        statuses = dict(Delivery.Status.choices)
        rows = [
            ChannelRow(
                channel=channel,
                address=masked_webhook(channel),
                categories=[str(labels.get(key, key)) for key in channel.categories or []],
                last_status=channel.last_status,
                last_status_label=statuses.get(channel.last_status, ""),
                last_at=channel.last_at,
                last_error=scrub(channel.last_error, channel) if channel.last_error else "",
            )
            for channel in page.object_list
        ]
        context = {
            "title": _("Notification channels"),
            "page": page,
            "rows": rows,
            "add_url": self.route("add") if self.may("add") else None,
            "may_change": self.may("change"),
            "may_delete": self.may("delete"),
        }
        return render(request, self.template_name, context)


class ChannelEditView(ObjectEditView):
    model = SchoolChannel
    form_class = ChannelForm
    route_prefix = "channel"
    template_name = "core/channels/edit.html"

    def success_url(self, obj) -> str:
        return self.route("list")

    def render_form(self, obj, form):
        adding = obj._state.adding
        title = _("Add notification channel") if adding else _("Edit %(object)s") % {"object": obj}
        context = {
            "object": obj,
            "form": form,
            "title": title,
            "cancel_url": self.route("list"),
            "test_url": None if adding else self.route("test", obj.pk),
            "delete_url": (
                self.route("delete", obj.pk)
                if not adding and can(self.request.user, "delete", obj)
                else None
            ),
        }
        return render(self.request, self.template_name, context)


class ChannelDeleteView(ObjectDeleteView):
    model = SchoolChannel
    route_prefix = "channel"


class ChannelTestView(ScopedViewMixin, View):
    """POST: send one test message now and say whether the bot took it, and if not, why."""

    model = SchoolChannel
    route_prefix = "channel"
    http_method_names = ["post"]

    def post(self, request, pk):
        channel = get_object_or_404(self.restricted("view").select_related("school"), pk=pk)
        if not self.restricted("change").filter(pk=channel.pk).exists():
            raise PermissionDenied
        try:
            result = send_test_message(channel=channel, by=request.user)
        except errors.PermissionDenied as exc:
            raise PermissionDenied from exc
        if result.ok:
            messages.success(
                request,
                _("The test message was sent to “%(channel)s”. Check that it arrived in the group.")
                % {"channel": channel},
            )
        else:
            messages.error(
                request,
                _(
                    "“%(channel)s” did not accept the test message: %(error)s. Check the webhook "
                    "URL and the robot's security settings (signing secret, keywords, IP "
                    "allow-list)."
                )
                % {"channel": channel, "error": result.error},
            )
        return redirect(self.route("list"))
