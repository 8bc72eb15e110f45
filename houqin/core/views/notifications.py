"""The in-app inbox and delivery preferences: every person sees and changes only their own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from houqin.core import notify

PAGE_SIZE = 30


@login_required
def notification_list(request):
    inbox = notify.inbox_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        inbox = inbox.filter(read_at__isnull=True)
    page = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications/list.html",
        {"page": page, "only_unread": only_unread, "unread": notify.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(notify.inbox_for(request.user), pk=pk)
    notify.mark_read(notification.pk, by=request.user)
    # "Open" marks read and follows the link; "Mark read" stays in the inbox.
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    if request.headers.get("HX-Request"):
        notification.refresh_from_db()
        return render(request, "core/notifications/_row.html", {"notification": notification})
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = notify.mark_all_read(by=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notification_list")


class PreferencesForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Send me notifications by e-mail as well"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    muted_categories = forms.MultipleChoiceField(
        label=_("No e-mail for these kinds of notification"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("They still appear in your inbox here."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_categories"].choices = notify.categories()


@login_required
def notification_preferences(request):
    pref = notify.preference_for(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            notify.update_preferences(
                by=request.user,
                email_enabled=form.cleaned_data["email_enabled"],
                muted_categories=form.cleaned_data["muted_categories"],
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_preferences")
    else:
        form = PreferencesForm(
            initial={"email_enabled": pref.email_enabled, "muted_categories": pref.muted_categories}
        )
    return render(
        request,
        "core/notifications/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
