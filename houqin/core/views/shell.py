"""The shell's own pages: log in, change password, switch school."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import Http404
from django.shortcuts import redirect
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from houqin.core.scoping import access_for


def _style(form):
    """Give every input Tabler's look (the auth forms come from Django, unstyled)."""
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control form-control-lg")
    return form


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["username"].widget.attrs.update(autocapitalize="none", autocorrect="off")


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


def installation_name() -> str:
    """The name shown above the login form: the school when the installation serves one."""
    if name := getattr(settings, "HOUQIN_SITE_NAME", ""):
        return name
    School = apps.get_model(settings.HOUQIN_TENANT_MODEL)
    schools = list(School.objects.filter(is_active=True).values_list("name", flat=True)[:2])
    return schools[0] if len(schools) == 1 else ""


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(installation_name=installation_name(), **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm


def _forget_access(user) -> None:
    # The resolver's module caches access on the user (houqin.org.access.forget_access);
    # core reaches it through the setting so it imports no domain app.
    module = settings.HOUQIN_ACCESS_RESOLVER.rpartition(".")[0]
    import_string(f"{module}.forget_access")(user)


@login_required
@require_POST
def switch_school(request):
    """Make another school the user's current one; only schools they are an active member of."""
    School = apps.get_model(settings.HOUQIN_TENANT_MODEL)
    try:
        school = School.objects.get(pk=int(request.POST.get("school", "")), is_active=True)
    except (ValueError, School.DoesNotExist):
        raise Http404 from None
    user = request.user
    # 404 rather than 403: whether a school one does not belong to exists is nobody's business.
    if not access_for(user, school).is_member:
        raise Http404
    user.current_school = school
    user.save(update_fields=["current_school"])
    _forget_access(user)
    messages.success(request, _("You are now working in %(school)s.") % {"school": school})
    return redirect("home")
