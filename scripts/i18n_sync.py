"""Keep the translation catalogues complete.

1. Extract messages into locale/zh_Hans and locale/zh_Hant (Django's makemessages, needs
   GNU gettext — a developer tool; the compiled .mo files are committed, so running Houqin or
   its tests does not need it).
2. Drop makemessages' fuzzy guesses (a guessed translation is worse than none).
3. Fill empty zh-hant entries by converting the zh-hans translation (OpenCC, s2t), and
   keep zh-hant in step when the zh-hans text changes (unless marked "manual" in a comment).
4. Compile both catalogues to .mo with polib.

Usage: .venv/bin/python scripts/i18n_sync.py [--no-extract]
"""

import os
import subprocess
import sys
from pathlib import Path

import polib
from opencc_purepy import OpenCC

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
HANS = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
HANT = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
HEADER = {
    "Project-Id-Version": "Houqin",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def extract():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="houqin.settings")
    subprocess.run(
        [
            sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "zh_Hant",
            "--no-location", "--no-obsolete", "--ignore", ".venv/*", "--ignore", "static/*",
            "--ignore", "var/*", "--ignore", "node_modules/*", "--ignore", "houqin/testdocs/*",
        ],
        cwd=ROOT, env=env, check=True,
    )


def key(entry):
    return (entry.msgctxt, entry.msgid)


def clean(po):
    po.metadata.update(HEADER)
    for entry in po:
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural} if entry.msgid_plural else {}
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
        if entry.msgid_plural and not entry.msgstr_plural:
            entry.msgstr_plural = {0: ""}


def main():
    if "--no-extract" not in sys.argv:
        extract()
    hans, hant = polib.pofile(str(HANS)), polib.pofile(str(HANT))
    clean(hans)
    clean(hant)
    cc = OpenCC("s2t")
    source = {key(e): e for e in hans}
    for entry in hant:
        src = source.get(key(entry))
        if src is None or "manual" in (entry.tcomment or ""):
            continue
        if entry.msgid_plural:
            if src.msgstr_plural.get(0):
                entry.msgstr_plural = {0: cc.convert(src.msgstr_plural[0])}
        elif src.msgstr:
            entry.msgstr = cc.convert(src.msgstr)
    for po, path in ((hans, HANS), (hant, HANT)):
        po.save(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))
        missing = [e.msgid for e in po if not e.translated()]
        print(f"{path.relative_to(ROOT)}: {len(po)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
