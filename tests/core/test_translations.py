"""Acceptance 4 (NFR-6): every string of the templates and the code exists in Chinese and English.

The catalogs are regenerated from the code into a scratch copy with Django's makemessages (GNU
gettext), so a string added without a translation fails here, not in front of a user."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "qiao"
CATALOG = "locale/{language}/LC_MESSAGES/django.{kind}"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext is missing: `make test` installs Debian's gettext package")
    copy = tmp_path_factory.mktemp("catalogs") / "qiao"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "qiao.settings", "QIAO_VAR_DIR": str(copy.parent)}
    subprocess.run(
        # The `qiao` script, not `python -m`: run from inside the package, `-m` would put the
        # package folder on sys.path and qiao/celery.py would shadow the celery library.
        [Path(sys.executable).with_name("qiao"), "makemessages", "-l", "zh_Hans", "-l", "en", "--no-location"],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return copy


def untranslated(catalog: polib.POFile) -> list[str]:
    return [entry.msgid for entry in catalog if not entry.obsolete and (not entry.translated() or entry.fuzzy)]


def test_every_string_has_a_chinese_translation(regenerated):
    catalog = polib.pofile(str(regenerated / CATALOG.format(language="zh_Hans", kind="po")))
    assert len(catalog) > 50
    assert untranslated(catalog) == []


def test_the_english_catalog_holds_every_string(regenerated):
    """English is the source language: its catalog must list every string, translated or identical."""
    committed = {e.msgid for e in polib.pofile(str(PACKAGE / CATALOG.format(language="en", kind="po")))}
    extracted = {e.msgid for e in polib.pofile(str(regenerated / CATALOG.format(language="en", kind="po")))}
    assert extracted - committed == set()


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_compiled_catalogs_match_their_sources(language):
    source = polib.pofile(str(PACKAGE / CATALOG.format(language=language, kind="po")))
    compiled = polib.mofile(str(PACKAGE / CATALOG.format(language=language, kind="mo")))
    expected = {(e.msgid, e.msgstr) for e in source if e.translated() and not e.fuzzy}
    assert {(e.msgid, e.msgstr) for e in compiled if e.msgid} == expected, "run `make messages`"
