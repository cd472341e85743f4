"""The Django project: settings from OPENBMIS_* variables, URLs, the API, and WSGI."""
