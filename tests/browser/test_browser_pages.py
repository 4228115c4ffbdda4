"""In Chromium, the pages after the upload: a meeting's evidence seeking its recording, fixing
roles, closing a commitment off the next agenda, the agenda and coaching pages, what the report
sees of a 1:1 before and after it is shared (and the topic they send back), the French UI."""

from __future__ import annotations

import re

from tests.browser.browser_kit import REPORT, WALK_ACTION, upload

WARNING = "a parlé"  # the coaching warning of every walking meeting (its talk share)


def _meeting(open_page, server, date: str, action: str | None = None):
    """Claire's page on a fresh 1:1 of hers with Julien (the tests that change one), whose
    report's next step is `action`."""
    if action:
        server["extractor"].actions.append(action)
    page = open_page()
    meeting_id = upload(page, date)
    return page, meeting_id


def _loaded(page) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def test_an_evidence_link_highlights_its_line_and_moves_the_recording(open_page, walk) -> None:
    page = open_page()
    page.goto(f"/meetings/{walk}")
    _loaded(page)
    for section in ("#next-steps", "#facts-h + ul", "#transcript"):
        link = page.locator(f"{section} a.ev[data-utterance][data-start]").last
        line = page.locator(f"#u{link.get_attribute('data-utterance')}")
        link.click()
        assert "highlight" in line.get_attribute("class").split()
        assert line.get_attribute("aria-current") == "true"
        assert page.locator(".utt.highlight").count() == 1  # the previous one is cleared
        at = page.evaluate("document.getElementById('player').currentTime")
        assert abs(at - float(link.get_attribute("data-start"))) < 0.5, section


def test_a_link_to_an_utterance_opens_the_meeting_there(open_page, walk) -> None:
    page = open_page()
    line = page.locator("#u7")
    page.goto(f"/meetings/{walk}#u7")
    _loaded(page)
    assert line.get_attribute("aria-current") == "true"
    page.wait_for_function("Math.abs(document.getElementById('player').currentTime - "
                           "parseFloat(document.getElementById('u7').dataset.start)) < 0.5")


def test_fixing_roles_swaps_them_on_the_transcript(open_page, server) -> None:
    page, _ = _meeting(open_page, server, "2026-02-09")
    first = page.locator("#u1")
    first_speaker = first.locator(".speaker").inner_text()
    assert first.locator(".tag.role-manager").inner_text() == "manager"
    other = next(o for o in page.locator("#role-manager option").all_inner_texts()
                 if o != first_speaker)
    page.select_option("#role-manager", other)
    with page.expect_navigation():
        page.get_by_role("button", name="Fix roles").click()
    assert f"{other} is the manager" in page.get_by_role("status").first.inner_text()
    assert first.locator(".tag.role-report").inner_text() == "report"
    assert page.locator("#u2 .tag.role-manager").inner_text() == "manager"
    assert page.input_value("#role-manager") == other


def test_a_commitment_marked_done_leaves_the_next_agenda(open_page, server) -> None:
    action = "Réserver la salle pour le séminaire de juin"
    page, meeting_id = _meeting(open_page, server, "2026-02-16", action)
    page.goto("/people/Julien/agenda")
    assert page.locator(".agenda-item", has_text=action).count() == 1
    page.goto(f"/meetings/{meeting_id}")
    step = page.locator("#next-steps li", has_text=action)
    with page.expect_navigation():
        step.get_by_role("button", name="Mark done").click()
    assert step.locator(".tag.ok").inner_text() == "done"
    assert step.get_by_role("button", name="Reopen").is_visible()
    page.goto("/people/Julien/agenda")
    assert page.locator(".agenda-item", has_text=action).count() == 0
    assert page.locator(".agenda-item", has_text="Relire le rapport").count() >= 1  # the rest


def test_the_agenda_page_copies_itself_as_markdown(open_page, walk) -> None:
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    response = page.goto("/people/Julien/agenda")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Agenda of the next 1:1 with Julien"
    assert page.locator(".agenda-item", has_text=WALK_ACTION).count() == 1
    page.get_by_role("button", name="Copy as Markdown").click()
    page.wait_for_function("document.getElementById('copy-status').textContent === 'Copied.'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == page.locator("#agenda-md").text_content().strip()
    assert WALK_ACTION in copied


def test_the_coaching_page_shows_its_plots_and_warnings(open_page, walk) -> None:
    page = open_page()
    response = page.goto("/coaching")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "My coaching"
    assert page.get_by_role("heading", name="Trends").is_visible()
    plots = page.locator(".plots img")
    assert plots.count() >= 2
    widths = plots.evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth)")
    assert all(width and width > 100 for width in widths), widths
    assert all(plots.nth(i).get_attribute("alt") for i in range(plots.count()))
    link = page.locator(f"a[href^='/meetings/{walk}']").first
    assert link.is_visible()


def test_the_report_sees_only_what_was_shared_and_adds_a_topic(open_page, server) -> None:
    action = "Préparer la démo du salon de Nantes"
    manager, meeting_id = _meeting(open_page, server, "2026-02-23", action)
    manager.fill("#notes-text", "Note privée : parler de sa promotion")
    with manager.expect_navigation():
        manager.get_by_role("button", name="Save notes").click()
    report = open_page(signed_in=REPORT)
    recap = report.locator(f"article[aria-labelledby='recap-{meeting_id}']")
    assert recap.count() == 0
    assert report.goto(f"/meetings/{meeting_id}").status == 404

    manager.check("#share-recap")
    with manager.expect_navigation():
        manager.get_by_role("button", name="Save sharing").click()
    assert manager.is_checked("#share-recap")

    report.goto("/")
    assert action in recap.inner_text()
    assert "Le salon de Lyon" in recap.inner_text()  # the fact
    assert WARNING not in report.content()
    response = report.goto(f"/meetings/{meeting_id}")
    assert response.status == 200
    assert report.get_by_role("heading", name="Next steps").is_visible()
    text = report.locator("main").inner_text()
    assert action in text
    for secret in (WARNING, "Posez une question", "Coaching", "Note privée", "promotion"):
        assert secret not in report.content(), secret

    report.goto("/")
    report.fill("#topic-text", "La formation Excel du printemps")
    with report.expect_navigation():
        report.get_by_role("button", name="Add the topic").click()
    assert "La formation Excel du printemps" in report.get_by_role("status").first.inner_text()
    manager.goto("/people/Julien/agenda")
    topic = manager.locator(".agenda-item", has_text="La formation Excel du printemps")
    assert topic.locator(".tag").first.inner_text() == "Topic submitted"


def test_the_meeting_and_agenda_pages_in_french(open_page, walk) -> None:
    page = open_page(locale="fr-FR")
    page.goto(f"/meetings/{walk}")
    assert page.get_attribute("html", "lang") == "fr"
    for heading in ("Prochaines actions", "Transcription", "Faits"):
        assert page.get_by_role("heading", name=re.compile(f"^{heading}")).is_visible()
    assert page.get_by_role("button", name="Enregistrer les notes").count() == 1
    page.goto("/people/Julien/agenda")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text().startswith("Ordre du jour")
    page.goto("/coaching")
    assert page.locator("h1").inner_text() == "Mon coaching"
