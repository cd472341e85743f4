"""Formats for Portuguese: the day first on pages, ISO in inputs (openbmis.formats.day_first)."""

from openbmis.formats.day_first import *  # noqa: F403  (Django reads the names of openbmis.formats.day_first here)
