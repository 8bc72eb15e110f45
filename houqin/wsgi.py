import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "houqin.settings")
application = get_wsgi_application()

# Everything loaded at start-up (modules, URL patterns, settings, translations) lives as long
# as the worker. Moving it out of the collector's reach makes the full collections that run
# every few dozen requests cheap: measured at 500,000 work orders, a full collection went
# from 90-145 ms to 5-13 ms, which is what decided the p95 of every page (docs/performance.md).
gc.freeze()
