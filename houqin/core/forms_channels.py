"""The school channel form: webhook URLs checked against each bot's real address, secret
write-only, and the masking used wherever a channel is shown."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from houqin.core import notify
from houqin.core.channel_settings import (
    BOT_KINDS,
    EXAMPLES,
    webhook_key,
)
from houqin.core.models import ChannelKind, SchoolChannel
from houqin.core.views.generic import TenantModelForm

capfirst_lazy = lazy(capfirst, str)


def _field_label(name: str):
    # The model's own (already translated) names, capitalised lazily like a ModelForm's.
    return capfirst_lazy(SchoolChannel._meta.get_field(name).verbose_name)


class ChannelForm(TenantModelForm):
    """Add or change a school channel; an empty secret on edit keeps the saved one."""

    webhook_url = forms.URLField(
        label=_field_label("webhook_url"), required=False, max_length=500, assume_scheme="https"
    )
    secret = forms.CharField(
        label=_field_label("secret"),
        required=False,
        max_length=200,
        strip=True,
        # Never sent back to the browser, not even after a failed submit.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_secret = forms.BooleanField(label=_("Remove the saved signing secret"), required=False)
    categories = forms.MultipleChoiceField(
        label=_field_label("categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to receive every category."),
    )

    class Meta:
        model = SchoolChannel
        fields = ["name", "kind", "webhook_url", "secret", "email", "is_active", "categories"]
        help_texts = {
            "webhook_url": _(
                "Copy it whole from the group's robot settings. WeCom: "
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; DingTalk: "
                "https://oapi.dingtalk.com/robot/send?access_token=…; Feishu: "
                "https://open.feishu.cn/open-apis/bot/v2/hook/…"
            ),
            "email": _("Only for the e-mail kind: a shared mailbox that receives the messages."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = dict(notify.categories())
        # A category saved earlier but no longer registered stays choosable, so it can be removed.
        for key in self.instance.categories or []:
            choices.setdefault(key, key)
        self.fields["categories"].choices = list(choices.items())
        self.fields["categories"].widget.attrs["class"] = "form-check-input"
        self.fields["kind"].choices = ChannelKind.choices
        self.has_secret = bool(self.instance.pk and self.instance.secret)
        if self.has_secret:
            self.fields["secret"].help_text = _(
                "A signing secret is saved. Leave this empty to keep it, or type a new one."
            )
        else:
            self.fields["secret"].help_text = _(
                "DingTalk and Feishu: the secret shown when signing is turned on. WeCom has none."
            )
            del self.fields["clear_secret"]
        if not choices:
            del self.fields["categories"]
        self.order_fields(["name", "kind", "webhook_url", "secret", "clear_secret"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        url = (cleaned.get("webhook_url") or "").strip()
        if kind == ChannelKind.EMAIL:
            if not cleaned.get("email"):
                self.add_error("email", _("Give the e-mail address that receives the messages."))
            cleaned["webhook_url"] = ""
            cleaned["secret"] = ""
            return cleaned
        if kind in BOT_KINDS:
            cleaned["email"] = ""
            if "webhook_url" in self.errors:
                pass
            elif not url:
                self.add_error("webhook_url", _("Paste the robot's webhook URL."))
            elif not url.startswith("https://"):
                self.add_error("webhook_url", _("The webhook URL must start with https://."))
            elif not webhook_key(kind, url):
                self.add_error(
                    "webhook_url",
                    _(
                        "This is not a %(kind)s webhook URL. It looks like %(example)s "
                        "— copy it whole from the robot's settings."
                    )
                    % {"kind": ChannelKind(kind).label, "example": EXAMPLES[kind]},
                )
            cleaned["webhook_url"] = url
            self._clean_secret(cleaned, kind)
        return cleaned

    def _clean_secret(self, cleaned, kind):
        new = cleaned.get("secret", "")
        if kind == ChannelKind.WECOM:
            # WeCom robots do not sign: a stray secret would only sit in the database.
            cleaned["secret"] = ""
        elif new:
            cleaned["secret"] = new
        elif cleaned.get("clear_secret"):
            cleaned["secret"] = ""
        else:
            cleaned["secret"] = self.instance.secret if self.instance.pk else ""

    def clean_categories(self):
        return sorted(set(self.cleaned_data.get("categories") or []))
