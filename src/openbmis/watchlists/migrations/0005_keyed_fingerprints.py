"""A listed row's fingerprint becomes keyed (HMAC-SHA256 under the index key): the stored fingerprints of person
entries and document alerts are computed again from their data, and plain again if the migration is taken back."""

from typing import Any

from django.db import migrations, models

from openbmis.watchlists import records


def _refingerprint(digest: Any) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for label in ("watchlists.WatchlistEntry", "watchlists.DocumentAlert"):
            model = apps.get_model(label)
            rows = model._default_manager.using(schema_editor.connection.alias).order_by()
            batch: list[Any] = []
            for row in rows.only("id", "data", "fingerprint").iterator(chunk_size=2000):
                row.fingerprint = digest(row.data)
                batch.append(row)
                if len(batch) == 1000:
                    model._default_manager.bulk_update(batch, ["fingerprint"])
                    batch = []
            if batch:
                model._default_manager.bulk_update(batch, ["fingerprint"])

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('watchlists', '0004_sealed_checks_and_hits'),
    ]

    operations = [
        migrations.AlterField(
            model_name='watchlistentry',
            name='fingerprint',
            field=models.CharField(help_text='keyed digest of the data: a change makes a new one', max_length=64),
        ),
        migrations.RunPython(_refingerprint(records.fingerprint), _refingerprint(records.plain_fingerprint)),
    ]
