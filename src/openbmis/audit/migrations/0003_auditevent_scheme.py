"""The hash scheme of each event: existing events keep scheme 1 (SHA-256) and keep verifying;
the application writes scheme 2 (HMAC under a key kept outside the database) from now on.
See docs/adr/0003-audit-chain-anchored-outside-the-database.md."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(default=1),
        ),
    ]
