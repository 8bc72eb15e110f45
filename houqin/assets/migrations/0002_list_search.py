"""Free-text search of the asset register with millions of assets (docs/performance-assets.md).

PostgreSQL only (SQLite scans, which is fine at its sizes):

- pg_trgm GIN indexes on UPPER(number), UPPER(name), UPPER(model), UPPER(serial_number):
  Django's ``icontains`` is ``UPPER(col::text) LIKE UPPER('%q%')``, which they serve for terms of
  three characters or more (an asset number, whole or in part; a name; a model; a serial);
- a GIN index on the characters and character pairs of name + model (``assets_grams``): most
  Chinese words are one or two characters, which have no trigram. ``filters.search_short_text``
  builds the same expression, so the planner matches it to this index.

The register's sorts and filters use the b-tree indexes of 0001 (``Asset.Meta.indexes``), plus
two here. Numbers are sorted and prefix-searched in code-point order (``COLLATE "C"``): an index
range for "numbers starting with ZC2024" whatever the database's collation (a LIKE prefix uses
a b-tree only under the plain "C" collation, not "C.UTF-8" or "zh_CN.UTF-8"). And a partial
index: the register hides disposed and lost assets by default, and sorting it
by status walks (school, status, number) in status order, where "disposed" comes first — the
partial index on the active statuses holds only what such a page shows (PostgreSQL proves the
page's ``status IN (…)`` implies its predicate).
"""

from django.db import migrations

from houqin.core.migration_operations import PostgreSQLOnly

SEARCH_SQL = [
    # Trusted extension since PostgreSQL 13: the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # As maintenance_grams (maintenance 0004): COST 1000 keeps the planner from evaluating it
    # on every row of a sort index to find a rare word.
    """
    CREATE OR REPLACE FUNCTION assets_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
        SELECT regexp_split_to_array(t, '')
            || ARRAY(SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i)
    $$
    """,
    "CREATE INDEX asset_search_number_trgm ON assets_asset "
    'USING gin (UPPER("number"::text) gin_trgm_ops)',
    "CREATE INDEX asset_search_name_trgm ON assets_asset "
    'USING gin (UPPER("name"::text) gin_trgm_ops)',
    "CREATE INDEX asset_search_model_trgm ON assets_asset "
    'USING gin (UPPER("model"::text) gin_trgm_ops)',
    "CREATE INDEX asset_search_serial_trgm ON assets_asset "
    'USING gin (UPPER("serial_number"::text) gin_trgm_ops)',
    "CREATE INDEX asset_search_grams ON assets_asset "
    """USING gin (assets_grams(UPPER("name" || ' ' || "model")))""",
    # The register by number, and numbers starting with a text, in code-point order whatever
    # the database's collation: filters.number_key and filters.number_starts_with use it.
    'CREATE INDEX asset_number_c_idx ON assets_asset (school_id, ("number" COLLATE "C"))',
    # The statuses of houqin.assets.models.register.ACTIVE_STATUSES, in the same order.
    "CREATE INDEX asset_active_status_idx ON assets_asset (school_id, status, number) "
    "WHERE status IN ('in_use', 'idle', 'in_repair', 'lent', 'pending_disposal')",
]
SEARCH_REVERSE_SQL = [
    "DROP INDEX IF EXISTS asset_active_status_idx",
    "DROP INDEX IF EXISTS asset_number_c_idx",
    "DROP INDEX IF EXISTS asset_search_grams",
    "DROP INDEX IF EXISTS asset_search_serial_trgm",
    "DROP INDEX IF EXISTS asset_search_model_trgm",
    "DROP INDEX IF EXISTS asset_search_name_trgm",
    "DROP INDEX IF EXISTS asset_search_number_trgm",
    "DROP FUNCTION IF EXISTS assets_grams(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0001_initial"),
    ]

    operations = [
        PostgreSQLOnly(SEARCH_SQL, SEARCH_REVERSE_SQL),
    ]
