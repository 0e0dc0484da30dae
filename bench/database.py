"""A throwaway database, created and destroyed the way Django's test runner does it.

The developer's own database (DATABASE_URL, or db.sqlite3) is never opened: on PostgreSQL the
benchmark creates `test_<name>_bench` from the `postgres` maintenance database (a name of its own,
so it never clobbers the test database of a `make test` running beside it); on SQLite it uses
Django's in-memory test database.
"""

from contextlib import contextmanager

from django.db import connection
from django.template.base import Template
from django.test.utils import setup_test_environment, teardown_test_environment


@contextmanager
def throwaway_database():
    """Yield the vendor ("postgresql", "sqlite", ...) of a fresh, migrated, empty test database."""
    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    if connection.vendor != "sqlite" and not settings_dict["TEST"].get("NAME"):
        settings_dict["TEST"]["NAME"] = f"test_{old_name}_bench"
    test_name = connection.creation._get_test_db_name()
    if test_name == old_name:
        raise SystemExit(f"Refusing to benchmark: the test database name equals the real one ({old_name}).")

    render = Template._render
    setup_test_environment()
    # setup_test_environment() makes every template render send template_rendered, and django.test.Client
    # then copies the context of each one (every form widget is a template): work production never does.
    Template._render = render
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
        yield connection.vendor
    finally:
        # Only ever drop the database create_test_db switched to, never the developer's own.
        if settings_dict["NAME"] == test_name:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
