"""Each role's start page and the header, on the seeded demo programme
(`load_initial_data`), in a real browser: 360 px wide with axe on every
page, the header in at most two rows at 360 px and at 200 % text, and the
cohort matrix showing all five courses of the Batu Ampar cohort at 1,280 px
while staying usable (scroll region, trainee names kept in view) at 360 px."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from lms.cohorts.models import Cohort
from tests.e2e.conftest import log_in

# The demo accounts (lms/accounts/services.py, DEMO_ACCOUNTS).
TRAINEE, TRAINER, MANAGER = "081234567801", "081234567802", "081234567803"


@pytest.fixture
def demo(site):
    call_command("load_initial_data", demo_accounts=True, verbosity=0)
    return Cohort.objects.get(code="batu-ampar-2026-1")


def header_rows(page) -> int:
    """How many rows the header's brand and links take (links scrolled out
    of view in the header's scroller count on their row)."""
    tops = page.evaluate(
        """() => [...document.querySelectorAll('.site-header .brand, .site-nav li')]
              .map(e => e.getBoundingClientRect())
              .map(r => Math.round(r.top + r.height / 2))"""
    )
    rows: list[int] = []
    for top in sorted(tops):
        if not rows or top - rows[-1] > 8:
            rows.append(top)
    return len(rows)


def assert_header_fits(page) -> None:
    assert header_rows(page) <= 2
    page.evaluate("() => { document.documentElement.style.fontSize = '200%' }")
    try:
        assert header_rows(page) <= 2
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > 361)
                  .filter(e => !e.closest('.site-nav ul, .visually-hidden'))
                  .map(e => e.tagName + '.' + e.className + ' ' +
                       Math.round(e.getBoundingClientRect().right) + ' ' +
                       [...e.children].map(c => c.tagName + ':' +
                         Math.round(c.getBoundingClientRect().width)).join(','))"""
        )
        assert wide == [], f"sideways at 200 % text: {wide}"
    finally:
        page.evaluate("() => { document.documentElement.style.fontSize = '' }")


def log_out(page) -> None:
    page.get_by_role("button", name="Keluar akun").click()
    page.wait_for_url(re.compile(r"/$"))


def test_each_role_starts_from_its_own_work(page, demo):
    password = settings.SINAU_DEMO_PASSWORD

    log_in(page, TRAINEE, password)
    expect(page.get_by_role("heading", name="Lanjutkan yang terakhir Anda pelajari"))
    expect(page.get_by_text("Mulailah dengan memilih kursus pertama")).to_have_count(0)
    expect(
        page.get_by_role("link", name=re.compile("^Lanjutkan")).first
    ).to_be_visible()
    assert_header_fits(page)
    log_out(page)
    page.axe.check("signed out")
    nav = page.get_by_role("navigation", name="Utama")
    expect(nav.get_by_role("link", name="Buat akun")).to_be_attached()
    assert_header_fits(page)

    log_in(page, TRAINER, password)
    expect(page.get_by_role("heading", name="Menunggu Anda")).to_be_visible()
    expect(page.get_by_role("heading", name="Angkatan Anda")).to_be_visible()
    expect(page.get_by_text("Mulailah dengan memilih kursus pertama")).to_have_count(0)
    nav = page.get_by_role("navigation", name="Utama")
    for name in ("Angkatan", "Penilaian", "Admin", "Belajarku"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_attached()
    assert_header_fits(page)
    log_out(page)

    log_in(page, MANAGER, password)
    cohorts = page.get_by_role("region", name="Angkatan Anda")
    expect(cohorts.get_by_role("link", name=demo.name, exact=True)).to_be_visible()
    risk = cohorts.get_by_role("link", name=re.compile(rf"berisiko {demo.name}$"))
    expect(risk).to_be_visible()
    assert_header_fits(page)
    risk.click()
    page.wait_for_url(re.compile(r"show=at_risk"))
    page.axe.check("dashboard, at risk")


def test_the_cohort_matrix_uses_the_width_it_has(page, demo):
    log_in(page, MANAGER, settings.SINAU_DEMO_PASSWORD)
    page.goto(f"/angkatan/{demo.pk}/")
    page.axe.check("dashboard at 360 px")
    region = page.locator(".table-scroll[aria-labelledby=matrix-caption]")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_accessible_name(re.compile("^Kemajuan per peserta"))
    heads = region.locator("thead th")
    # trainee, overall, five courses, practical tasks, last activity
    expect(heads).to_have_count(9)
    # 360 px: the region scrolls sideways, by keyboard too, and the names
    # stay in view.
    region.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    scrolled = region.evaluate(
        "e => { e.scrollLeft = e.scrollWidth; return e.scrollLeft }"
    )
    assert scrolled > 0
    name = region.locator("tbody th").first
    box, frame = name.bounding_box(), region.bounding_box()
    assert box["x"] >= frame["x"] - 1
    assert box["x"] + box["width"] <= frame["x"] + frame["width"]

    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    page.axe.check("dashboard at 1,280 px")
    overflow = region.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 0, f"the matrix is {overflow} px wider than its region"
    for i in range(heads.count()):
        box = heads.nth(i).bounding_box()
        assert box["x"] + box["width"] <= 1280, heads.nth(i).inner_text()
