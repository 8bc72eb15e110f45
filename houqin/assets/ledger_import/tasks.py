"""The ledger import's background task (django-tasks; the database backend runs it in
``manage.py db_worker``). Enqueued by ``services.start_import`` after its transaction commits."""

from django_tasks import task


@task()
def run_asset_import_task(import_id: int, user_id: int) -> str:
    """Run one queued ledger import; returns the import's final status."""
    from .services import run_import

    return run_import(import_id, user_id).status
