"""Room on each page of the asset table for updates in place (PostgreSQL only).

The monthly depreciation run rewrites two unindexed columns of every depreciating asset. With
the pages full (fillfactor 100) each changed row becomes a new row version elsewhere, with an
entry in every one of the table's indexes; with a fifth of each page free, PostgreSQL keeps
most of them on the same page as HOT updates, which touch no index. Measured at 2,000,000
assets: a month's run took 51-68 s instead of 3-9 minutes (docs/assets-depreciation.md).
Existing rows move as they are updated (or at a VACUUM FULL); nothing is rewritten here.
"""

from django.db import migrations

from houqin.core.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0002_list_search"),
    ]

    operations = [
        PostgreSQLOnly(
            ["ALTER TABLE assets_asset SET (fillfactor = 80)"],
            ["ALTER TABLE assets_asset RESET (fillfactor)"],
        ),
    ]
