"""The default refusal grounds, present on every installation (editable afterwards)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from openbmis.inspections.services import DEFAULT_REFUSAL_REASONS

    RefusalReason = apps.get_model("inspections", "RefusalReason")
    for code, label in DEFAULT_REFUSAL_REASONS:
        RefusalReason.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
