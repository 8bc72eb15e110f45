"""The zh-hans and zh-hant catalogues are complete, compiled, and cover every source string."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUES = {
    "zh-hans": ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    "zh-hant": ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po",
}
# Calls that mark a literal for translation in Python, and the simple template tags.
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
TPL_LITERAL = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])((?:(?!\1).)+)\1""")


def _catalogue(lang):
    return polib.pofile(str(CATALOGUES[lang]))


@pytest.mark.parametrize("lang", CATALOGUES)
def test_catalogue_has_no_untranslated_or_fuzzy_message(lang):
    po = _catalogue(lang)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:10]}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:10]}"


@pytest.mark.parametrize("lang", CATALOGUES)
def test_compiled_catalogue_matches_its_source(lang):
    po = _catalogue(lang)
    mo = polib.mofile(str(CATALOGUES[lang].with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo}
    for entry in po.translated_entries():
        got = compiled.get((entry.msgctxt, entry.msgid))
        assert got is not None, f"{lang}: {entry.msgid!r} is not compiled; run make messages"
        assert got[0] == entry.msgstr, f"{lang}: {entry.msgid!r} is compiled from an older text"


def _python_literals(path):
    """Literal first arguments of gettext calls (the AST also sees calls inside f-strings,
    which xgettext silently skips)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        arg = node.args[0]
        if name in GETTEXT_NAMES and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield arg.value


def _source_literals():
    found = {}
    for path in (ROOT / "houqin").rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts or "testdocs" in path.parts:
            continue
        for text in _python_literals(path):
            found.setdefault(text, path)
    for base in (ROOT / "templates", ROOT / "houqin"):
        for path in base.rglob("*.html"):
            for match in TPL_LITERAL.finditer(path.read_text(encoding="utf-8")):
                found.setdefault(match.group(2), path)
    return found


def test_gettext_is_imported_only_under_names_makemessages_knows():
    """``from django.utils.translation import gettext_noop as N_`` hides every string so marked
    from makemessages (it knows ``_`` and the functions' own names), so they stay untranslated."""
    renamed = []
    for path in (ROOT / "houqin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                renamed += [
                    f"{path.relative_to(ROOT)}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.asname not in (None, "_")
                ]
    assert not renamed, renamed


def test_every_marked_string_in_the_source_is_in_the_catalogue():
    msgids = {e.msgid for e in _catalogue("zh-hans")}
    missing = {text: str(path.relative_to(ROOT)) for text, path in _source_literals().items() if text not in msgids}
    assert not missing, f"run make messages; missing: {dict(list(missing.items())[:15])}"


@pytest.mark.chinese
def test_chinese_is_the_default_and_roles_read_in_chinese():
    from houqin.org.roles import Role

    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert str(Role.DIRECTOR.label) == "后勤主任"
    with translation.override("zh-hant"):
        assert str(Role.DIRECTOR.label) == "後勤主任"
    with translation.override("en"):
        assert str(Role.DIRECTOR.label) == "Logistics director"
