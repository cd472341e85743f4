"""Refuse DELETE on audit events in the database itself, as UPDATE already is (0002).

The test suite's flush of a SQLite test database lifts this trigger for the flush only
(tests/conftest.py); PostgreSQL flushes with TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

# Adding the scheme column (0003) rebuilds the table on SQLite, which drops its triggers: the UPDATE
# guard of 0002 is made again here.
SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_event_no_delete;"

POSTGRES_UP = """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION audit_event_no_update();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_auditevent;"


def forwards(apps, schema_editor):
    statements = [POSTGRES_UP] if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    sql = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditevent_scheme")]
    operations = [migrations.RunPython(forwards, backwards)]
