"""Sign in, sign out and passwords: Django's views with the service's forms."""

from django.contrib.auth import views as auth_views
from django.urls import path

from oocr.accounts import forms, views

urlpatterns = [
    path("sign-in/", auth_views.LoginView.as_view(form_class=forms.SignInForm), name="login"),
    path("two-factor/set-up/", views.TwoFactorEnrolView.as_view(), name="two_factor_enrol"),
    path("two-factor/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path("two-factor/backup-codes/", views.TwoFactorBackupCodesView.as_view(), name="two_factor_backup_codes"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/keep-alive/", views.SessionKeepAliveView.as_view(), name="session_keep_alive"),
    path("session/timed-out/", views.SessionTimedOutView.as_view(), name="session_timed_out"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
