"""Retention of personal data: the declared rule of every record type, the dry-run report, legal holds.

The rules are registered with :mod:`openbmis.core.retention` (which runs them daily and on
``openbmis retention purge``); see docs/data-protection.md, "How long records are kept".
"""
