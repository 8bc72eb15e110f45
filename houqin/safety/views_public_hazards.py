"""The public hazard report behind a room's QR code: ``/safety/hazards/report/<token>/``.

Anyone may report (name and mobile number; a logged-in member of the school reports as
themselves), rate-limited per client address like the public repair form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from houqin.core.errors import DomainError
from houqin.core.views.generic import add_validation_error
from houqin.maintenance.views import QrRateLimit, _member_in, _room_for_token, client_ip

from . import forms_hazards as forms
from . import services_hazards as hz
from .models.hazards import HazardSource

THANKS_SESSION_KEY = "safety_hazard_reported_number"


class HazardRateLimit(QrRateLimit):
    """Maintenance's limiter (same window and count), counted apart from repair reports."""

    def __init__(self, request):
        super().__init__(request)
        self.key = f"safety:hazard-report:{client_ip(request)}"


class PublicHazardReportView(View):
    template_name = "safety/hazards/public_report.html"

    def dispatch(self, request, token):
        self.room = _room_for_token(token)
        self.school = self.room.school
        self.member = _member_in(request.user, self.school)
        return super().dispatch(request, token)

    def get_form(self, data=None, files=None):
        return forms.PublicHazardForm(data, files, member=self.member)

    def get(self, request, token):
        return self.render_form(self.get_form())

    def post(self, request, token):
        limit = HazardRateLimit(request)
        if limit.exceeded():
            return render(
                request,
                "safety/hazards/public_limited.html",
                {"room": self.room, "school": self.school},
                status=429,
            )
        form = self.get_form(request.POST, request.FILES)
        if form.is_spam:
            limit.hit()
            return render(request, "safety/hazards/public_thanks.html", {"number": ""})
        if form.is_valid():
            data = form.cleaned_data
            try:
                hazard = hz.report_hazard(
                    school=self.school,
                    by=self.member,
                    title=data["title"],
                    description=data["description"],
                    room=self.room,
                    location_note=data["location_note"],
                    source=HazardSource.PUBLIC if self.member is None else HazardSource.REPORT,
                    photos=data["photos"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                )
            except (DomainError, ValidationError) as exc:
                add_validation_error(form, exc)
            else:
                limit.hit()
                request.session[THANKS_SESSION_KEY] = hazard.number
                return redirect("safety:hazard_public_thanks", token=token)
        return self.render_form(form)

    def render_form(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "room": self.room, "school": self.school, "member": self.member},
        )


def public_thanks(request, token):
    room = _room_for_token(token)
    number = request.session.pop(THANKS_SESSION_KEY, "")
    return render(request, "safety/hazards/public_thanks.html", {"number": number, "room": room})
