"""A trainer whose browser speaks Indonesian (locale id-ID, where an
`<input type=number>` reads `5.500` as 5.5 and `5,5` as 55) types a
numeric question's accepted number: `5.500` is asked about once and kept
as 5500, `5,5` is 5.5, and the form shows them back as `5.500` and `5,5`."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import checked_page, log_in
from tests.factories import PASSWORD, trainer
from tests.factories.assessments import question


@pytest.fixture
def id_page(browser, live_server, site):
    with checked_page(browser, live_server.url, locale="id-ID") as page:
        yield page


def _save(page) -> None:
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_load_state("load")
    # The admin's message banner slides in; axe measures colours at rest.
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')"
    )


def test_an_indonesian_browser_saves_the_number_the_trainer_typed(id_page):
    page = id_page
    numeric = question("numeric", numeric_answer="2.5")
    log_in(page, trainer(phone="+6281234567802").phone, PASSWORD)
    url = f"/admin/snippets/assessments/question/edit/{numeric.pk}/"
    page.goto(url)
    page.axe.check("numeric question")
    number = page.locator('input[name="choices-0-number"]')
    expect(number).to_have_attribute("type", "text")
    expect(number).to_have_attribute("inputmode", "decimal")
    expect(number).to_have_value("2,5")

    number.fill("5.500")
    _save(page)
    page.axe.check("asked about 5.500")
    expect(page.locator("body")).to_contain_text("5,5 (lima koma lima)")
    assert numeric.choices.get().number == Decimal("2.5")
    _save(page)
    page.axe.check("saved")
    assert numeric.choices.get().number == Decimal(5500)

    page.goto(url)
    page.axe.check("numeric question again")
    expect(number).to_have_value("5.500")
    expect(page.locator("body")).to_contain_text("Dibaca sebagai 5.500")
    number.fill("5,5")
    _save(page)
    page.axe.check("saved 5,5")
    assert numeric.choices.get().number == Decimal("5.5")
    page.goto(url)
    page.axe.check("numeric question a third time")
    expect(number).to_have_value("5,5")
