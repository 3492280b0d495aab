from django.urls import path

from oocr.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.AdministrationView.as_view(), name="administration"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.AccountAddView.as_view(), name="account_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/roles/", views.AccountRolesView.as_view(), name="account_roles"),
    path("users/<int:pk>/close/", views.AccountCloseView.as_view(), name="account_close"),
    path("users/<int:pk>/reopen/", views.AccountReopenView.as_view(), name="account_reopen"),
    path("users/<int:pk>/two-factor/reset/", views.TwoFactorResetView.as_view(), name="two_factor_reset"),
]
