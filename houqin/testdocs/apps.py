from django.apps import AppConfig


class TestDocsConfig(AppConfig):
    name = "houqin.testdocs"
    label = "testdocs"
