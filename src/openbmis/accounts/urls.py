from django.urls import path

from openbmis.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("password/", views.change_password, name="change_password"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("users/", views.users, name="users"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
]
