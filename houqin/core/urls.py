from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import shell
from .views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", shell.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", shell.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("school/switch/", shell.switch_school, name="switch_school"),
    path("", include("houqin.core.urls_approvals")),
    path("", include("houqin.core.urls_notify")),
    path("compliance/", include("houqin.core.urls_compliance")),
]
