"""The free-text search of one or two characters, robust to the planner (docs/performance.md).

PostgreSQL only (SQLite scans, which is fine at its sizes). ``filters.search_short_text``
chooses the query's shape per text from ``maintenance_grams_share`` (below):

- ``maintenance_grams`` costs 100 (the default) instead of 1000. With 1000 the planner charged
  the function on every row a bitmap scan of the ``wo_search_grams`` index rechecks (it never
  runs there: the index answers "contains" exactly), so counting the orders of a common word
  also read a bitmap of the school's 500,000 orders (BitmapAnd with the school index, +15 ms).
  The protection 1000 gave rare words (never walk the date index evaluating the function on
  each order) now comes from the query's shape: rare texts read their ids from the index first.
- ``PARALLEL RESTRICTED``: queries evaluating it stay in one process. On two cores shared
  with the application, two workers made the count of a common word slower (23 → 35–50 ms).
- ``maintenance_grams_share(text)``: the planner's own estimate of the share of orders whose
  title or description contains the text (EXPLAIN of the index's expression, no row read),
  so a page asks one query and needs no privilege on the statistics.

The expression must stay the one of the ``wo_search_grams`` index (migration 0004).
"""

from django.db import migrations

from houqin.core.migration_operations import PostgreSQLOnly

SEARCH_SQL = [
    "ALTER FUNCTION maintenance_grams(text) COST 100 PARALLEL RESTRICTED",
    """
    CREATE OR REPLACE FUNCTION maintenance_grams_share(t text) RETURNS float8
    LANGUAGE plpgsql AS $$
    DECLARE
        matching json;
        everything json;
    BEGIN
        EXECUTE format(
            'EXPLAIN (FORMAT JSON) SELECT 1 FROM maintenance_workorder WHERE '
            'maintenance_grams(UPPER("title" || '' '' || "description")) @> ARRAY[UPPER(%L)]',
            t
        ) INTO matching;
        EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM maintenance_workorder' INTO everything;
        RETURN (matching -> 0 -> 'Plan' ->> 'Plan Rows')::float8
            / GREATEST((everything -> 0 -> 'Plan' ->> 'Plan Rows')::float8, 1);
    END
    $$
    """,
]
SEARCH_REVERSE_SQL = [
    "DROP FUNCTION IF EXISTS maintenance_grams_share(text)",
    "ALTER FUNCTION maintenance_grams(text) COST 1000 PARALLEL SAFE",
]


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0006_plan_asset_targets"),
    ]

    operations = [
        PostgreSQLOnly(SEARCH_SQL, SEARCH_REVERSE_SQL),
    ]
