"""Model instances from rows a hand-written statement read (a station's hot path, where building the ORM's
query costs more than running it)."""

from django.db import connection


def loaded(model, values: dict):
    """An instance holding only these fields, as if loaded from the database; any other field is read from
    the database if something asks for it. Each value goes through the converters the ORM would apply to
    its column (SQLite's naive datetimes and 0/1 booleans become aware datetimes and booleans). (Model.from_db
    takes values in the model's field order, not in the order of the names given: this puts them in that
    order.)"""
    fields = [f for f in model._meta.concrete_fields if f.attname in values]
    row = []
    for field in fields:
        value = values[field.attname]
        if value is not None:
            column = field.get_col(model._meta.db_table)
            for convert in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
                value = convert(value, column, connection)
        row.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], row)
