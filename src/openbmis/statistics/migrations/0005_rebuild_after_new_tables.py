"""The roll-up tables added in 0002-0004 start empty: make the next refresh a full rebuild."""

from django.db import migrations


def ask_for_rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("statistics", "RollupState").objects.update(rebuilt_at=None)


class Migration(migrations.Migration):
    dependencies = [("statistics", "0004_flowdim")]

    operations = [migrations.RunPython(ask_for_rebuild, migrations.RunPython.noop)]
