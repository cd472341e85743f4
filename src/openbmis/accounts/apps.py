from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openbmis.accounts"
    label = "accounts"
    verbose_name = "Accounts"
