"""TOTP secrets sealed at rest (issue 14): the column becomes a sealed text field and the secrets already stored
are sealed under the installation's current key; going back writes them in clear again."""

from django.db import migrations

import openbmis.core.sealing


def seal_stored(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk, secret in User.objects.exclude(totp_secret="").values_list("pk", "totp_secret"):
        User.objects.filter(pk=pk).update(totp_secret=secret)  # the field seals it


def open_stored(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    table = schema_editor.quote_name(User._meta.db_table)
    for pk, secret in User.objects.exclude(totp_secret="").values_list("pk", "totp_secret"):
        # the table name is quoted and our own; the values are parameters
        schema_editor.execute(f"UPDATE {table} SET totp_secret = %s WHERE id = %s", [secret, pk])  # noqa: S608


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_document_examiner_expert_roles'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='totp_secret',
            field=openbmis.core.sealing.SealedTextField(blank=True),
        ),
        migrations.RunPython(seal_stored, open_stored),
    ]
