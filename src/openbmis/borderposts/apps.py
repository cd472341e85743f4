from django.apps import AppConfig


class BorderPostsConfig(AppConfig):
    name = "openbmis.borderposts"
    label = "borderposts"
    verbose_name = "Border posts"
