from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="partners"),
    path("partners/new/", views.PartnerFormView.as_view(), name="partner_new"),
    path("partners/import/", views.PartnerImportView.as_view(), name="partner_import"),
    path("partners/<int:pk>/", views.PartnerDetailView.as_view(), name="partner"),
    path("partners/<int:pk>/edit/", views.PartnerFormView.as_view(), name="partner_edit"),
    path("partners/report/", views.ReferralReportView.as_view(), name="report"),
    path("cases/<int:pk>/referrals/", views.CaseReferralsView.as_view(), name="case_referrals"),
    path("cases/<int:pk>/referrals/new/", views.ReferralPartnerChooseView.as_view(), name="referral_choose"),
    path("cases/<int:pk>/referrals/new/<int:partner_pk>/", views.ReferralNewView.as_view(), name="referral_new"),
    path("cases/<int:pk>/referrals/<int:referral_pk>/", views.ReferralDetailView.as_view(), name="referral"),
    path("cases/<int:pk>/referrals/<int:referral_pk>/send/", views.ReferralSendView.as_view(), name="referral_send"),
    path("cases/<int:pk>/referrals/<int:referral_pk>/progress/", views.ReferralProgressView.as_view(), name="referral_progress"),
    path("cases/<int:pk>/referrals/<int:referral_pk>/condition/", views.ReferralConditionView.as_view(), name="referral_condition"),
]
