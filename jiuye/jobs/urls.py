from __future__ import annotations

from django.urls import path

from jiuye.jobs.views import fair_matching, fairs, followups, matching, postings, referrals

app_name = "jobs"

urlpatterns = [
    # postings
    path("postings/", postings.posting_list, name="postings"),
    path("postings/new/", postings.posting_create, name="posting-create"),
    path("postings/export.xlsx", postings.posting_export, name="postings-export"),
    path("postings/review/", postings.posting_review_queue, name="posting-review-queue"),
    path("postings/<uuid:pk>/", postings.posting_detail, name="posting"),
    path("postings/<uuid:pk>/edit/", postings.posting_edit, name="posting-edit"),
    path("postings/<uuid:pk>/submit/", postings.posting_submit, name="posting-submit"),
    path("postings/<uuid:pk>/review/", postings.posting_review, name="posting-review"),
    path("postings/<uuid:pk>/status/", postings.posting_status, name="posting-status"),
    path("postings/<uuid:pk>/apply/", referrals.posting_apply, name="posting-apply"),
    path("postings/<uuid:pk>/archive/", postings.posting_archive, name="posting-archive"),
    # matching
    path("postings/<uuid:pk>/candidates/", matching.match_posting, name="match-posting"),
    path("persons/<uuid:pk>/postings/", matching.match_person, name="match-person"),
    path("matching/weights/", matching.match_weights, name="match-weights"),
    # referrals
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/new/", referrals.referral_create, name="referral-create"),
    path("referrals/<uuid:pk>/", referrals.referral_detail, name="referral"),
    path("referrals/<uuid:pk>/advance/", referrals.referral_advance, name="referral-advance"),
    path("referrals/<uuid:pk>/hire/", referrals.referral_hire, name="referral-hire"),
    path("applicants/", referrals.applicants, name="applicants"),
    path("persons/<uuid:pk>/consent/", referrals.consent, name="consent"),
    # fairs
    path("fairs/", fairs.fair_list, name="fairs"),
    path("fairs/new/", fairs.fair_create, name="fair-create"),
    path("fairs/export.xlsx", fairs.fairs_export, name="fairs-export"),
    path("fairs/<uuid:pk>/", fairs.fair_detail, name="fair"),
    path("fairs/<uuid:pk>/edit/", fairs.fair_edit, name="fair-edit"),
    path("fairs/<uuid:pk>/participants/", fairs.fair_participants, name="fair-participants"),
    path("fairs/<uuid:pk>/register/", fairs.fair_register, name="fair-register"),
    path("fairs/<uuid:pk>/seekers/", fairs.fair_seekers, name="fair-seekers"),
    path("fairs/<uuid:pk>/matching/", fair_matching.fair_match, name="fair-match"),
    path(
        "fairs/<uuid:pk>/matching/<uuid:token>/",
        fair_matching.fair_match_job,
        name="fair-match-job",
    ),
    path(
        "fairs/<uuid:pk>/matching/<uuid:token>/progress/",
        fair_matching.fair_match_progress,
        name="fair-match-progress",
    ),
    path(
        "fairs/<uuid:pk>/matching/<uuid:token>/candidates.xlsx",
        fair_matching.fair_match_export,
        name="fair-match-export",
    ),
    # followups
    path("follow-ups/", followups.follow_up_list, name="follow-ups"),
    path("follow-ups/<uuid:pk>/", followups.follow_up_detail, name="follow-up"),
]
