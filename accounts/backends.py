from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS, connections

from warehouse.models import Warehouse


class UserWithWarehouseBackend(ModelBackend):
    """The signed-in user comes with the warehouse they work at, in the one query every request makes.

    Every request runs this query, and building it through the ORM was the largest CPU cost of a scan at
    the station (about a third of a bare request). So its SQL is compiled once per database vendor, from
    the very queryset it stands for, and each row becomes the objects select_related would give: the
    user, with .warehouse already there. The row is read fresh every request, as before.
    """

    def get_user(self, user_id):
        user = _user_with_warehouse(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class _CompiledQuery:
    def __init__(self, alias: str):
        User = get_user_model()
        queryset = User._default_manager.using(alias).select_related("warehouse").filter(pk=0).order_by()
        compiler = queryset.query.get_compiler(alias)
        self.sql, params = compiler.as_sql()
        if list(params) != [0]:  # pragma: no cover - guards a change of the queryset above
            raise RuntimeError(f"unexpected parameters in the user query: {params!r}")
        self.user_fields = [f.attname for f in User._meta.concrete_fields]
        self.warehouse_fields = [f.attname for f in Warehouse._meta.concrete_fields]
        expressions = [column for column, _sql, _alias in compiler.select]
        if len(expressions) != len(self.user_fields) + len(self.warehouse_fields):  # pragma: no cover
            raise RuntimeError("the user query does not select the user's and the warehouse's fields")
        # {position: (converters, expression)}, as the compiler applies them (SQLite's dates, booleans).
        self.converters = compiler.get_converters(expressions)


_compiled: dict[str, _CompiledQuery] = {}


def _user_with_warehouse(user_id):
    alias = DEFAULT_DB_ALIAS
    connection = connections[alias]
    query = _compiled.get(connection.vendor)
    if query is None:
        query = _compiled[connection.vendor] = _CompiledQuery(alias)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, (converters, expression) in query.converters.items():
        for converter in converters:
            row[position] = converter(row[position], expression, connection)
    User = get_user_model()
    n = len(query.user_fields)
    user = User.from_db(alias, query.user_fields, row[:n])
    warehouse = row[n:]
    user.warehouse = (
        None if warehouse[0] is None else Warehouse.from_db(alias, query.warehouse_fields, warehouse)
    )
    return user
