"""Accessibility in a real browser: the whole flow with the keyboard only, checked by axe-core.

The administrator invites a teacher, who signs up, creates a class and assigns the check-in; a
student joins and takes it with Tab, Shift+Tab, Space, Enter and the arrow keys, closes the page
midway, resumes, submits and follows an evidence link; the teacher opens the reports. Every main
page is checked by axe-core (tests/vendor/axe-core) for serious and critical violations, every
control the keyboard reaches must show where the focus is, and saved answers and messages must be
in live regions.
"""

import os
import re
from pathlib import Path

import pytest

from quizapp.models import Role
from tests.conftest import PASSWORD
from tests.test_browser import CHROMIUM, DESKTOP, chromium, is_autosave, log_in, server

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Chromium is not installed (CI installs it)",
    ),
]
__all__ = ["chromium", "server"]  # the live server and browser fixtures of test_browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SMALL_PHONE = {"width": 375, "height": 740}
CHECK_IN = "Check-in: how carefully do you read?"

# Runs axe and keeps what would stop a keyboard or screen-reader user.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5)
        .map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
      count: v.nodes.length,
    }));
}"""

# After each key press, about the element that had the focus and lost it: it must have looked
# different while focused (its own outline, ring, colours or position, or those of the label
# around it and the label's text: a sentence shows its focus on its text), and the focus mark
# (an outline, a ring or a border) must stand out at 3:1 against the white of the page.
FOCUS_STEP = r"""() => {
  const partsOf = el => {
    const label = el.closest("label");
    return [el, label, label && label.querySelector("span")].filter(Boolean);
  };
  const styleOf = el => partsOf(el).map(p => {
    const s = getComputedStyle(p);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
            s.borderColor, s.color, s.textDecorationLine, s.left].join(" ");
  }).join(" / ");
  const luminance = rgb => {
    const [r, g, b] = rgb.map(c => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const onWhite = colour => {
    const m = colour.match(/rgba?\(([^)]+)\)/);
    if (!m) return 1;
    const [r, g, b, a = 1] = m[1].split(",").map(Number);
    const rgb = [r, g, b].map(c => c * a + 255 * (1 - a));
    return 1.05 / (luminance(rgb) + 0.05);
  };
  const marks = el => {
    const found = {ring: false, border: []};
    for (const p of partsOf(el)) {
      const s = getComputedStyle(p);
      if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1
          && onWhite(s.outlineColor) >= 3) found.ring = true;
      for (const shadow of s.boxShadow.split(/,(?![^(]*\))/)) {
        const lengths = (shadow.replace(/rgba?\([^)]*\)/, "").match(/-?[\d.]+px/g) || [])
          .map(parseFloat);
        if (!shadow.includes("inset") && (lengths[3] || 0) >= 1 && onWhite(shadow) >= 3) {
          found.ring = true;
        }
      }
      const border = parseFloat(s.borderTopWidth) >= 1 && onWhite(s.borderTopColor) >= 3;
      found.border.push(border ? s.borderTopColor : "");
    }
    return found;
  };
  const describe = el => {
    const text = (el.innerText || el.getAttribute("aria-label") || el.name || "").trim();
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}` +
      `${el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : ""}` +
      ` "${text.slice(0, 40)}" on ${location.pathname}`;
  };
  let problem = null;
  const before = window.__qaFocus;
  const active = document.activeElement;
  if (before && before.el !== active && before.el.isConnected) {
    const nowBorders = partsOf(before.el).map(p => getComputedStyle(p).borderTopColor);
    const borderMark = before.marks.border.some((c, i) => c && c !== nowBorders[i]);
    if (styleOf(before.el) === before.style) {
      problem = "no visible focus: " + describe(before.el);
    } else if (!before.marks.ring && !borderMark) {
      problem = "faint focus (under 3:1): " + describe(before.el);
    }
  }
  window.__qaFocus = active && active !== document.body
    ? {el: active, style: styleOf(active), marks: marks(active)} : null;
  return problem;
}"""

MATCHES = """([selector, text]) => {
  const el = document.activeElement;
  if (!el || !el.matches(selector)) return false;
  if (text === null) return true;
  const label = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  return label === text;
}"""


class Checker:
    """Collects axe violations and invisible focus along the way, so one run shows them all."""

    def __init__(self, viewport_name: str):
        self.viewport = viewport_name
        self.axe_problems: list[str] = []
        self.focus_problems: list[str] = []
        self.pages: list[str] = []

    def axe(self, page, name: str) -> None:
        """Run axe on the page as it is now; keep a screenshot when SCREENSHOTS_DIR is set."""
        # The app's Content-Security-Policy allows only its own scripts, so axe is evaluated
        # through the DevTools protocol, which the policy does not govern; a <script> tag
        # (add_script_tag) would be blocked unless the context bypassed the policy, and then
        # the pages would no longer be tested as students get them.
        page.wait_for_load_state()
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        self.pages.append(name)
        if folder := os.environ.get("SCREENSHOTS_DIR"):
            Path(folder).mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            shot = Path(folder) / f"a11y-{self.viewport}-{len(self.pages):02d}-{slug}.png"
            page.screenshot(path=str(shot), full_page=True)
        for v in page.evaluate(RUN_AXE):
            lines = [f"[{self.viewport}] {name} ({page.url}): {v['impact']} {v['id']}: {v['help']}"]
            lines += [f"    {n['target']}\n      {n['summary']}" for n in v["nodes"]]
            if v["count"] > len(v["nodes"]):
                lines.append(f"    … and {v['count'] - len(v['nodes'])} more")
            self.axe_problems.append("\n".join(lines))

    def focus_step(self, page) -> None:
        problem = page.evaluate(FOCUS_STEP)
        if problem and problem not in self.focus_problems:
            self.focus_problems.append(problem)

    def press(self, page, key: str) -> None:
        page.keyboard.press(key)
        self.focus_step(page)

    def tab_to(self, page, selector: str, text: str | None = None, back: bool = False) -> None:
        """Press Tab (or Shift+Tab) until the focus is on the element, as a keyboard user."""
        page.wait_for_load_state()  # styles and scripts in place before the first key
        visited = []
        for _ in range(120):
            self.press(page, "Shift+Tab" if back else "Tab")
            if page.evaluate(MATCHES, [selector, text]):
                return
            visited.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)"))
        raise AssertionError(
            f"the keyboard never reaches {selector} {text or ''} on {page.url}; it visits\n"
            + "\n".join(dict.fromkeys(visited))
        )

    def tab_through(self, page, stops: int = 40) -> None:
        """Visit the first controls of a page with Tab, checking that each shows its focus."""
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        for _ in range(stops):
            self.press(page, "Tab")

    def assert_clean(self) -> None:
        report = []
        if self.axe_problems:
            report.append(
                "axe found serious or critical violations:\n" + "\n".join(self.axe_problems)
            )
        if self.focus_problems:
            report.append(
                "focus is not visible on:\n" + "\n".join(f"    {p}" for p in self.focus_problems)
            )
        assert not report, "\n\n".join(report)


def new_page(chromium, viewport):
    # Reduced motion switches off Pico's transitions, so a focus style is measured at its end.
    context = chromium.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def type_into(check: Checker, page, selector: str, text: str) -> None:
    check.tab_to(page, selector)
    page.keyboard.type(text)


def assert_live_region(locator) -> None:
    """The element, or a region around it, is announced by screen readers when it changes."""
    announced = locator.evaluate(
        """el => !!el.closest('[role=status], [role=alert], [aria-live="polite"],'
                              + ' [aria-live="assertive"]')"""
    )
    assert announced, f"not in a live region: {locator.evaluate('el => el.outerHTML')}"


def go_to_next_question(check: Checker, page, number: int, total: int) -> None:
    check.tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")
    expect(page.locator(".quiz-count")).to_have_text(f"Question {number} of {total}")
    page.wait_for_load_state()  # the page script that saves each change is running


def press_and_wait_saved(check: Checker, page, key: str) -> None:
    """Press a key that changes the answer, and wait until the page script has saved that change
    (see test_browser.change_and_wait_saved: then "Answer saved." is about the last change, and
    no save of this question reaches the server after the student has moved on)."""
    with page.expect_response(is_autosave):
        check.press(page, key)


def wait_saved(page) -> None:
    status = page.locator("[data-save-status]")
    expect(status).to_have_text("Answer saved.")
    assert_live_region(status)


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["phone", "desktop"])
def test_keyboard_only_quiz_and_reports_pass_axe(server, chromium, viewport, make_user):
    name = "phone" if viewport is SMALL_PHONE else "desktop"
    make_user("head", Role.ADMIN, "Mr Head")
    check = Checker(name)

    # The teacher sets up the class (the mouse is fine here: the keyboard is the student's).
    teacher = new_page(chromium, viewport)
    teacher.goto(f"{server}/login")
    check.axe(teacher, "log in")
    check.tab_through(teacher, 12)
    # The school's administrator invites the teacher; the link is the way in.
    admin = new_page(chromium, viewport)
    log_in(admin, server, "head", PASSWORD)
    expect(admin.get_by_role("heading", name="Teachers", exact=True)).to_be_visible()
    check.axe(admin, "administrator's teachers")
    admin.get_by_label("Who is it for?").fill("Ms Okafor")
    admin.get_by_role("button", name="Make an invitation link").click()
    link = admin.locator("#invitation-link")
    expect(admin.get_by_role("button", name="Copy link")).to_be_visible()
    check.axe(admin, "invitation link")
    teacher.goto(link.input_value())
    check.axe(teacher, "teacher sign-up")
    teacher.get_by_label("Your name").fill("Ms Okafor")
    teacher.get_by_label("Username").fill(f"okafor-{name}")
    teacher.get_by_label("New password", exact=True).fill("a long secret")
    teacher.get_by_label("Type the new password again").fill("a long secret")
    teacher.get_by_role("button", name="Create account").click()
    expect(teacher.get_by_role("heading", name="My classes")).to_be_visible()
    assert_live_region(teacher.locator(".flash").first)
    check.axe(teacher, "teacher dashboard")
    teacher.get_by_label("Class name").fill("Year 9 media")
    teacher.get_by_role("button", name="Create class").click()
    join_code = teacher.locator(".join-code.big")
    expect(join_code).to_have_text(re.compile(r"^\s*[A-Z0-9]{6}\s*$"))  # all of it is there
    code = join_code.inner_text().strip()
    check.axe(teacher, "class (empty)")
    teacher.get_by_role("button", name="Assign a question set").click()
    # axe waits for the page's load, so it must be the new page's: not the class page's.
    expect(
        teacher.get_by_role("heading", name="Assign a question set to Year 9 media")
    ).to_be_visible()
    check.axe(teacher, "assign")
    teacher.get_by_label("Question set").select_option(label=CHECK_IN)
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_text("is assigned to Year 9 media")).to_be_visible()
    teacher.goto(f"{server}/teach/sets")
    teacher.get_by_role("link", name=CHECK_IN).first.click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(CHECK_IN)
    check.axe(teacher, "set preview")

    # The student, keyboard only from here on.
    student = new_page(chromium, viewport)
    student.goto(f"{server}/join")
    check.axe(student, "join")
    type_into(check, student, "#join_code", code)
    type_into(check, student, "#display_name", "Lea Novak")
    type_into(check, student, "#username", f"lea-{name}")
    type_into(check, student, "#password", "my secret pw")
    type_into(check, student, "#confirm", "my secret pw")
    check.tab_to(student, "button, input[type=submit]", "Join the class")
    student.keyboard.press("Enter")
    flash = student.get_by_text("You have joined Year 9 media")
    expect(flash).to_be_visible()
    assert_live_region(flash)
    check.axe(student, "student home")
    check.tab_to(student, "button", "Start")
    student.keyboard.press("Enter")

    count = student.locator(".quiz-count")
    expect(count).to_have_text(re.compile(r"Question 1 of \d+"))
    student.wait_for_load_state()
    total = int(re.search(r"of (\d+)", count.inner_text()).group(1))
    # 1, single choice: the arrow keys move through the options and choose.
    check.tab_to(student, "input[type=radio]")
    press_and_wait_saved(check, student, "ArrowDown")
    wait_saved(student)
    check.axe(student, "question (single choice)")
    go_to_next_question(check, student, 2, total)
    # 2, true or false: Space chooses the focused option.
    check.tab_to(student, "input[type=radio]")
    press_and_wait_saved(check, student, "Space")
    wait_saved(student)
    go_to_next_question(check, student, 3, total)
    # 3 is left unanswered. 4, matching: each list takes the arrow keys.
    go_to_next_question(check, student, 4, total)
    selects = student.locator(".match-row select")
    assert selects.count() >= 2
    for index in range(selects.count()):
        check.tab_to(student, ".match-row select")
        press_and_wait_saved(check, student, "ArrowDown")
        expect(selects.nth(index)).not_to_have_value("")
    wait_saved(student)
    check.axe(student, "question (matching)")
    go_to_next_question(check, student, 5, total)
    student.context.close()  # the page is closed midway

    student = new_page(chromium, viewport)
    student.goto(f"{server}/login")
    type_into(check, student, "#username", f"lea-{name}")
    type_into(check, student, "#password", "my secret pw")
    student.keyboard.press("Enter")
    expect(student.get_by_text("In progress").first).to_be_visible()
    check.tab_to(student, "button", "Resume")
    student.keyboard.press("Enter")
    expect(student.locator(".quiz-count")).to_have_text(f"Question 5 of {total}")
    student.wait_for_load_state()
    check.tab_to(student, "input[type=radio]")
    press_and_wait_saved(check, student, "Space")
    wait_saved(student)
    student.keyboard.press("Enter")  # Enter on a choice saves and moves on, never back
    expect(student.locator(".quiz-count")).to_have_text(f"Question 6 of {total}")
    student.wait_for_load_state()
    # 6, evidence: the sentences are checkboxes; Shift+Tab comes back to the last one.
    check.tab_to(student, "label.sentence input")
    press_and_wait_saved(check, student, "Space")
    check.tab_to(student, "button[value=next]")
    check.tab_to(student, "label.sentence input", back=True)
    press_and_wait_saved(check, student, "Space")
    expect(student.locator("label.sentence input:checked")).to_have_count(2)
    wait_saved(student)
    check.axe(student, "question (evidence)")
    go_to_next_question(check, student, 7, total)
    # 7, single choice, then "Which sentence shows it?".
    expect(student.get_by_text("Which sentence shows it?")).to_be_visible()
    check.tab_to(student, "input[type=radio]")
    press_and_wait_saved(check, student, "Space")
    check.tab_to(student, ".ground-step label.sentence input")
    press_and_wait_saved(check, student, "Space")
    expect(student.locator(".ground-step input:checked")).to_have_count(1)
    wait_saved(student)
    check.axe(student, "question (which sentence shows it)")
    go_to_next_question(check, student, 8, total)
    # 8, multiple select: Space on two of the boxes.
    check.tab_to(student, "input[type=checkbox]")
    press_and_wait_saved(check, student, "Space")
    check.tab_to(student, "input[type=checkbox]")
    press_and_wait_saved(check, student, "Space")
    expect(student.locator("input[name=choices]:checked")).to_have_count(2)
    wait_saved(student)
    check.axe(student, "question (multiple select)")
    go_to_next_question(check, student, 9, total)
    check.tab_to(student, "label.sentence input")
    press_and_wait_saved(check, student, "Space")
    wait_saved(student)
    check.tab_to(student, "button[value=review]", "Save and review")
    student.keyboard.press("Enter")

    expect(student.get_by_text("You have 1 unanswered question")).to_be_visible()
    check.axe(student, "review")
    check.tab_to(student, "button, input[type=submit]", "Submit quiz")
    student.keyboard.press("Enter")
    expect(student.get_by_text("Tick the box to confirm")).to_be_visible()
    check.axe(student, "review (not confirmed)")
    check.tab_to(student, "input[type=checkbox]")
    check.press(student, "Space")
    check.tab_to(student, "button, input[type=submit]", "Submit quiz")
    student.keyboard.press("Enter")
    expect(student.get_by_text("Your quiz is submitted.")).to_be_visible()
    assert_live_region(student.get_by_text("Your quiz is submitted."))
    check.axe(student, "result")

    check.tab_to(student, "a", "Read it in the article")
    student.keyboard.press("Enter")
    mark = student.locator("mark#evidence")
    expect(mark).to_be_visible()
    # All of the page is there: while it is half there, the mark can be in view unscrolled.
    student.wait_for_load_state()
    expect(mark).to_be_in_viewport()
    assert student.evaluate("() => window.scrollY") > 0
    check.axe(student, "article")

    # The teacher's reports.
    teacher.goto(f"{server}/teach/")
    teacher.get_by_role("link", name="Year 9 media").click()
    expect(teacher.get_by_role("link", name=CHECK_IN)).to_be_visible()
    check.axe(teacher, "class")
    check.tab_through(teacher)
    teacher.get_by_role("link", name="Grades", exact=True).click()
    expect(teacher.locator("table.scores")).to_contain_text("Lea Novak")
    check.axe(teacher, "class grades")
    check.tab_through(teacher)
    class_url = teacher.url
    teacher.get_by_role("link", name=CHECK_IN).first.click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text(CHECK_IN)
    check.axe(teacher, "assignment report")
    check.tab_through(teacher)
    teacher.goto(class_url)
    teacher.get_by_role("button", name="Skills and mistakes").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Skills and mistakes")
    check.axe(teacher, "skills")
    teacher.goto(class_url)
    teacher.locator("table.scores").get_by_role("link", name="Lea Novak").click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Lea Novak")
    check.axe(teacher, "student")

    assert len(check.pages) >= 18
    check.assert_clean()
