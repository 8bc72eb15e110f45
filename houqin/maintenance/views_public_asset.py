"""``/r/a/<token>/``: "report a problem with this asset", opened from an asset's QR label by
anyone (staff who may see the asset are sent to its page instead, by the label's own URL)."""

from django.apps import apps
from django.http import Http404
from django.shortcuts import render

from .views import THANKS_SESSION_KEY, PublicReportView, _member_in


def _asset_for_token(token):
    from houqin.assets.models.register import ACTIVE_STATUSES

    asset = (
        apps.get_model("assets", "Asset")
        .objects.select_related("school", "room__floor__building")
        .filter(qr_token=token, status__in=ACTIVE_STATUSES, school__is_active=True)
        .first()
    )
    if asset is None:
        raise Http404
    return asset


class PublicAssetReportView(PublicReportView):
    """The public report form with the asset (and its place) filled in."""

    thanks_url_name = "maintenance:public_asset_thanks"

    def dispatch(self, request, token):
        self.asset = _asset_for_token(token)
        self.room = self.asset.room
        self.school = self.asset.school
        self.member = _member_in(request.user, self.school)
        return super(PublicReportView, self).dispatch(request, token)


def public_asset_thanks(request, token):
    asset = _asset_for_token(token)
    number = request.session.pop(THANKS_SESSION_KEY, "")
    return render(
        request, "maintenance/public_thanks.html", {"number": number, "room": asset.room}
    )
