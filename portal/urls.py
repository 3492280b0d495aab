from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    # The partners' own pages (portal.middleware keeps partner users inside /partner/).
    path("partner/", views.HomeView.as_view(), name="home"),
    path("partner/referrals/<int:pk>/", views.ReferralView.as_view(), name="referral"),
    path("partner/referrals/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("partner/referrals/<int:pk>/appointment/", views.AppointmentView.as_view(), name="appointment"),
    path("partner/referrals/<int:pk>/sessions/", views.SessionView.as_view(), name="session"),
    path("partner/referrals/<int:pk>/notes/", views.NoteView.as_view(), name="note"),
    path("partner/referrals/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("partner/colleagues/", views.ColleaguesView.as_view(), name="colleagues"),
    path("partner/colleagues/<int:pk>/remove/", views.ColleagueRemoveView.as_view(), name="colleague_remove"),
    path("partner/invitation/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    # Staff pages.
    path("cases/<int:pk>/referrals/<int:referral_pk>/pack/", views.PackView.as_view(), name="pack"),
    path("partners/<int:pk>/portal/", views.PartnerAccountsView.as_view(), name="partner_accounts"),
    path("partners/<int:pk>/portal/<int:user_pk>/remove/", views.PartnerUserRemoveView.as_view(), name="partner_user_remove"),
]
