"""PostgreSQL's unaccent (a trusted extension since PostgreSQL 13: the database's owner may create it), so that
operations typing "binh" or "nguyen" find Bình and Nguyễn. Nothing happens on SQLite."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0004_auditkind_people")]

    operations = [UnaccentExtension()]
