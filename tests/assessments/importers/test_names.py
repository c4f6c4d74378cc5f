"""Names (assessments/importers/names.py): Moodle category paths read to
their leaf, and the same path in GIFT and Moodle XML making one category
tree in the bank."""

import pytest

from assessments.importers import parse
from assessments.importers.names import category_leaf
from assessments.importers.write import questions_import
from tests.assessments.importers.bank_files import question, tree

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("path", "leaf"),
    [
        ("$course$/top/Pemasaran Digital/SEO", "SEO"),
        ("$course$/top", ""),
        ("$course$/Default for Kelas A", "Default for Kelas A"),
        ("$system$/top/Iklan//Promosi", "Iklan/Promosi"),
        ("Pemasaran/Media Sosial", "Media Sosial"),
        ("top/top", "top"),
        ("", ""),
    ],
)
def test_category_leaf(path, leaf):
    assert category_leaf(path) == leaf


@pytest.mark.django_db
def test_gift_and_moodle_xml_category_paths_create_the_same_tree():
    gift = "$CATEGORY: $course$/top/A/Child\n\n::G::Ya? {=ya ~tidak}\n"
    xml = (
        '<?xml version="1.0"?><quiz><question type="category"><category>'
        "<text>$course$/top/A/Child</text></category></question>"
        '<question type="truefalse"><name><text>X</text></name>'
        "<questiontext><text>Ya?</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>'
    )
    questions_import(result=parse(gift, "gift"))
    questions_import(result=parse(xml, "moodle"))
    assert tree() == {("A",), ("A", "Child")}
    assert question("G").category == question("X").category
