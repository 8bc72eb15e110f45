"""Indexes for the work-order list with hundreds of thousands of orders (docs/performance.md).

The b-tree indexes serve the list's sorts on every database. The free-text search indexes
exist on PostgreSQL only (SQLite scans, which is fine at its sizes):

- pg_trgm GIN indexes on UPPER(number), UPPER(title), UPPER(description): Django's
  ``icontains`` is ``UPPER(col::text) LIKE UPPER('%q%')``, which they serve for terms of three
  characters or more;
- a GIN index on the characters and character pairs of title + description
  (``maintenance_grams``): most Chinese search words are one or two characters, which have no
  trigram. ``filters.search_short_text`` builds the same expression, so the planner matches it
  to this index.
"""

from django.db import migrations, models

from houqin.core.migration_operations import PostgreSQLOnly

SEARCH_SQL = [
    # Trusted extension since PostgreSQL 13: the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # COST 1000 (default 100) is closer to what the function costs per row: with less, the
    # planner walks the date index evaluating it on every order to find a rare word (seconds)
    # instead of asking the GIN index (milliseconds).
    # Repeated grams are left in: GIN keeps each key once, and DISTINCT makes it 2.5× slower.
    """
    CREATE OR REPLACE FUNCTION maintenance_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
        SELECT regexp_split_to_array(t, '')
            || ARRAY(SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i)
    $$
    """,
    'CREATE INDEX wo_search_number_trgm ON maintenance_workorder '
    'USING gin (UPPER("number"::text) gin_trgm_ops)',
    'CREATE INDEX wo_search_title_trgm ON maintenance_workorder '
    'USING gin (UPPER("title"::text) gin_trgm_ops)',
    'CREATE INDEX wo_search_description_trgm ON maintenance_workorder '
    'USING gin (UPPER("description"::text) gin_trgm_ops)',
    'CREATE INDEX wo_search_grams ON maintenance_workorder '
    """USING gin (maintenance_grams(UPPER("title" || ' ' || "description")))""",
]
SEARCH_REVERSE_SQL = [
    "DROP INDEX IF EXISTS wo_search_grams",
    "DROP INDEX IF EXISTS wo_search_description_trgm",
    "DROP INDEX IF EXISTS wo_search_title_trgm",
    "DROP INDEX IF EXISTS wo_search_number_trgm",
    "DROP FUNCTION IF EXISTS maintenance_grams(text)",
]


class Migration(migrations.Migration):

    dependencies = [
        ("maintenance", "0003_plans_settings_claim"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["school", "-created_at", "-id"], name="wo_list_created_idx"),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(fields=["school", "number"], name="wo_list_number_idx"),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["school", "urgency", "-created_at", "-id"], name="wo_list_urgency_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["school", "category", "-created_at", "-id"], name="wo_list_category_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["school", "room", "-created_at", "-id"], name="wo_list_room_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(
                fields=["school", "assignee", "-created_at", "-id"], name="wo_list_assignee_idx"
            ),
        ),
        PostgreSQLOnly(SEARCH_SQL, SEARCH_REVERSE_SQL),
    ]
