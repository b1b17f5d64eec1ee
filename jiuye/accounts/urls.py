from __future__ import annotations

from django.urls import path

from jiuye.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("2fa/verify/", views.otp_verify, name="otp-verify"),
    path("2fa/setup/", views.otp_setup, name="otp-setup"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password-change"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/active/", views.user_toggle_active, name="user-toggle-active"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_second_factor, name="user-reset-2fa"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user-reset-password"),
]
