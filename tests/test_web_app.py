"""Browser tests: the web app driven in headless Chromium, as trainees, a trainer and an evaluator.

The app runs in a subprocess on a free 127.0.0.1 port with the scripted backend, lexical
grading and a temporary database. Each tab gets a screenshot in docs/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORDS = {"alice": "alice-pw", "bob": "bob-pw", "tina": "tina-pw", "eva": "eva-pw"}
ROLES = {"alice": "trainee", "bob": "trainee", "tina": "trainer", "eva": "evaluator"}
TIMEOUT = 30_000

# A well-run first call with the vain business owner, then one banned line and a close.
CALL_LINES = [
    "您好，我是华信银行信用卡中心的客服专员，我姓王，工号1234，请问是陈志远先生吗？",
    "陈先生您好，为了保护您的信息安全，麻烦您报一下身份证后四位核实一下。",
    "陈总，您的白金信用卡目前逾期38天，欠款23600元，今天给您打电话就是想跟您商量还款的事。",
    "您是做大生意的人，我相信您不是故意拖欠的，方便说说是遇到什么困难了吗？",
    "理解您的难处，资金周转确实不容易。您看这样，能不能三天内先通过手机银行还6000元，剩下的我们再商量分期？",
    "好的，那我跟您确认一下：3天内通过手机银行转账还款6000元，对吗？",
    "感谢您的配合，陈总，按时还款就不会继续影响您的信用记录，祝您生意兴隆，再见。",
]
BANNED_LINE = "你再不还钱，我们就报警抓你去坐牢！"


def _browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


if not _browser_available():
    if os.environ.get("COLLECTSIM_REQUIRE_BROWSER") == "1":
        raise RuntimeError(
            "browser tests required (COLLECTSIM_REQUIRE_BROWSER=1) but Chromium/Playwright is missing"
        )
    pytest.skip("Chromium or Playwright not installed", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

expect.set_options(timeout=20_000)  # two shared CPU cores: give slow renders time, fail only on real hangs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_app(tmp: Path, mode: str, extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "COLLECTSIM_BACKEND": "scripted",
        "COLLECTSIM_EMBEDDINGS": "none",
        "COLLECTSIM_DB": str(tmp / "collectsim.db"),
        "COLLECTSIM_USER_PERSONAS": str(tmp / "user_personas"),
        "COLLECTSIM_TODAY": "2026-11-20",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log = open(tmp / f"server-{mode}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [sys.executable, "-c", f"import app; app.launch({mode!r}, host='127.0.0.1', port={port})"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("app exited:\n" + (tmp / f"server-{mode}.log").read_text())
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("app did not start in time:\n" + (tmp / f"server-{mode}.log").read_text())


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Login-mode app with two trainees, a trainer and an evaluator."""
    tmp = tmp_path_factory.mktemp("web")
    from simulator.auth import UserDB

    db = UserDB(tmp / "collectsim.db")
    for name, role in ROLES.items():
        db.add(name, role, PASSWORDS[name])
    (tmp / "tmp").mkdir()
    proc, url = _start_app(tmp, "login", {"TMPDIR": str(tmp / "tmp")})
    yield {"url": url, "tmp": tmp, "db": tmp / "collectsim.db", "personas": tmp / "user_personas"}
    _stop(proc)
    # a terminated server unwinds like Ctrl+C: its export folder goes with it
    assert proc.returncode == 0, (tmp / "server-login.log").read_text()[-2000:]
    assert not list((tmp / "tmp").glob("collectsim-exports-*"))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser profile (own localStorage) per test, Chinese first; fails on any remote request."""
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    remote: list[str] = []

    def watch(req):
        if not re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob|about):", req.url):
            remote.append(req.url)

    ctx.on("request", watch)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT)
    yield pg
    ctx.close()
    assert not remote, f"the app fetched remote assets: {remote}"


_IDLE_JS = (
    "(scope) => [...document.querySelectorAll((scope ? scope + ' ' : '') + '[data-testid=status-tracker]')]"
    ".every(e => e.classList.contains('hide'))"
)


def _settle(page: Page) -> None:
    """Let pending events finish (every status tracker hidden) so a screenshot shows the final page;
    a page still busy after 10 s gets its screenshot anyway."""
    _idle(page, timeout=10_000)
    page.wait_for_timeout(300)


def _shot(page: Page, name: str) -> None:
    _settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _login(page: Page, url: str, user: str) -> None:
    page.goto(url)
    _box(page, "cs-login-user").fill(user)
    page.locator("#cs-login-pw input").fill(PASSWORDS[user])
    page.locator("#cs-login-btn").click()
    expect(page.locator("#cs-who")).to_contain_text(user)


def _box(page: Page, elem_id: str):
    """The text field inside a Gradio Textbox (a textarea, or an input for passwords)."""
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def _search_personas(page: Page, query: str, expected: str) -> None:
    """Type into the studio's search box until the table shows `expected`. Under a heavily loaded
    machine the first change event can reach the server while the table is still being drawn from
    the previous listing; typing the query again asks for the filtered list once more."""
    box, table = _box(page, "s-search"), page.locator("#s-table")
    for _ in range(3):
        box.fill(query)
        try:
            expect(table).to_contain_text(expected, timeout=8000)
            return
        except AssertionError:
            box.fill("")
    expect(table).to_contain_text(expected)


def _idle(page: Page, scope: str = "", timeout: int = 60_000) -> None:
    """Wait until no event is pending on the status trackers inside `scope` (a CSS selector; the whole
    page when empty). A change that reloads a component (the scenario reloads the persona list) lays
    a loading overlay over it, and on a loaded machine that overlay can outlast a click's own timeout.
    Gives up quietly after `timeout`; callers check the outcome of what they do next."""
    page.wait_for_timeout(200)  # let the event that was just fired show its tracker
    try:
        page.wait_for_function(_IDLE_JS, arg=scope, timeout=timeout)
    except PlaywrightTimeoutError:
        pass


def _persona(page: Page, pid: str) -> None:
    """Pick a persona card once nothing is reloading the list, and check that it took; under load a
    click can still be intercepted by a late overlay, so it is tried again."""
    label = page.locator("#p-persona label", has_text=pid)
    for _ in range(3):
        _idle(page, "#p-persona")
        try:
            label.click(timeout=20_000)
            expect(label.locator("input")).to_be_checked(timeout=10_000)
            return
        except (AssertionError, PlaywrightTimeoutError):
            continue
    label.click()
    expect(label.locator("input")).to_be_checked()


def _choose(page: Page, elem_id: str, option) -> None:
    """Pick an option of a Gradio dropdown (text or regular expression)."""
    page.locator(f"#{elem_id} input").click()
    opt = page.locator(f"#{elem_id} [role=option]")
    opt = (
        opt.filter(has_text=option)
        if isinstance(option, re.Pattern)
        else opt.filter(has_text=re.compile(r"^\W*" + re.escape(option) + r"\s*$"))
    )
    opt.first.click()


def _tab(page: Page, label: str) -> None:
    """Open a tab. On a loaded machine a click can land while Gradio is still redrawing the tab bar
    (just after login) and be lost; click again until the tab reports itself selected."""
    tab = page.get_by_role("tab", name=label)
    for _ in range(3):
        tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=5000)
            return
        except AssertionError:
            continue
    expect(tab).to_have_attribute("aria-selected", "true")


def _wait_idle_send(page: Page) -> None:
    """The reply is complete: Send is enabled again, or the debtor ended the call."""
    page.wait_for_function(
        "() => !document.querySelector('#p-send').disabled || !!document.querySelector(\"[data-testid='call-ended']\")"
    )


def _call_ended(page: Page) -> bool:
    return page.locator("[data-testid='call-ended']").count() > 0


def _bot_count(page: Page) -> int:
    return page.locator("#p-chat .message-row.bot-row, #p-chat [data-testid='bot']").count()


def _say(page: Page, text: str) -> None:
    before = _bot_count(page)
    box = _box(page, "p-msg")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("#p-chat")).to_contain_text(text[:12])
    page.wait_for_function(
        "([n]) => document.querySelectorAll(\"#p-chat .message-row.bot-row, #p-chat [data-testid='bot']\").length > n",
        arg=[before],
    )
    _wait_idle_send(page)


def _seed_call(db: Path, trainee: str, lines: list[str], seed: int = 3) -> str:
    """A graded call stored for `trainee` straight through the session manager (same database)."""
    from simulator.session import SessionManager

    before = os.environ.get("COLLECTSIM_EMBEDDINGS")
    os.environ["COLLECTSIM_EMBEDDINGS"] = "none"  # grade as the server does (lexical), then restore
    try:
        mgr = SessionManager(str(db), today="2026-11-20")
        s = mgr.start("zh-vain-owner", "first_contact", trainee=trainee, backend="scripted", seed=seed)
        for line in lines:
            if s.ended:
                break
            s.say(line)
        s.end()
    finally:
        if before is None:
            os.environ.pop("COLLECTSIM_EMBEDDINGS", None)
        else:
            os.environ["COLLECTSIM_EMBEDDINGS"] = before
    return s.id


# ---------------------------------------------------------------- tests


def test_login_page_and_language_switch(server, page):
    page.goto(server["url"])
    expect(page.locator("#cs-login-btn")).to_contain_text("登录")
    expect(page.get_by_role("tab", name="通话练习")).to_have_count(0)
    _shot(page, "login.png")
    _box(page, "cs-login-user").fill("alice")
    page.locator("#cs-login-pw input").fill("wrong")
    page.locator("#cs-login-btn").click()
    expect(page.locator("#cs-login-msg")).to_contain_text("用户名或密码不正确")
    page.get_by_label("English").check()
    expect(page.locator("#cs-login-btn")).to_contain_text("Sign in")
    page.locator("#cs-login-pw input").fill(PASSWORDS["alice"])
    page.locator("#cs-login-btn").click()
    expect(page.locator("#cs-who")).to_contain_text("alice")
    expect(page.get_by_role("tab", name="Practice")).to_be_visible()
    # Labels, buttons, persona cards and the coach panel all follow the chosen language.
    expect(page.locator("#p-start")).to_contain_text("Start call")
    expect(page.locator("#p-persona")).to_contain_text("Choose a persona")
    expect(page.locator("#p-persona label", has_text="zh-vain-owner")).to_contain_text("vain")
    expect(page.locator("#p-hint")).to_contain_text("Start a call")
    page.get_by_label("中文").check()
    expect(page.locator("#p-persona label", has_text="zh-vain-owner")).to_contain_text("虚荣型")
    expect(page.get_by_role("tab", name="通话练习")).to_be_visible()
    expect(page.locator("#p-start")).to_contain_text("拨打电话")
    # The language choice and the sign-in survive a reload (kept in this browser only).
    page.reload()
    expect(page.locator("#cs-who")).to_contain_text("alice")
    expect(page.get_by_role("tab", name="通话练习")).to_be_visible()


def test_trainee_full_call_to_scorecard(server, page):
    _login(page, server["url"], "alice")
    # A trainee sees Practice only.
    expect(page.get_by_role("tab", name="通话练习")).to_be_visible()
    expect(page.get_by_role("tab", name="角色工作室")).to_have_count(0)
    expect(page.get_by_role("tab", name="评分卡")).to_have_count(0)
    _persona(page, "zh-vain-owner")
    expect(page.locator("#p-card")).to_contain_text("陈志远")
    expect(page.locator("#p-card")).to_contain_text("23,600")
    page.locator("#p-start").click()
    expect(page.locator("#p-chat")).to_contain_text("喂")
    _wait_idle_send(page)
    expect(page.locator("[data-testid='coach-next']")).to_be_visible()
    for line in CALL_LINES[:4]:
        _say(page, line)
    # Coach mode flags a banned line while it is being typed, before it is sent.
    _box(page, "p-msg").press_sequentially(BANNED_LINE, delay=5)
    flag = page.locator("[data-testid='coach-flag']").first
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("建议说法")
    _shot(page, "practice-coach.png")
    _say(page, BANNED_LINE)
    for line in CALL_LINES[4:]:
        if _call_ended(page):
            break  # the debtor hung up after the threat
        _say(page, line)
    page.locator("#p-end").click()
    card = page.locator("#p-scorecard [data-testid='scorecard']")
    expect(card).to_be_visible()
    score = float(card.locator("[data-testid='score']").inner_text())
    assert 0 <= score <= 100
    expect(card.locator("[data-testid='verdict']")).to_have_text(re.compile("通过|未通过"))
    steps = card.locator("[data-testid='steps'] tr")
    assert steps.count() >= 5
    assert card.locator("tr[data-step='greeting_identity'][data-done='true']").count() == 1
    # The banned line is a finding, and its words are highlighted inside the transcript.
    expect(card.locator("[data-testid='finding']").first).to_be_visible()
    marked = card.locator(".cs-turn.collector mark")
    assert marked.count() >= 1
    assert any(m in BANNED_LINE for m in marked.all_inner_texts())
    card.scroll_into_view_if_needed()
    _shot(page, "practice.png")
    # The call is in the trainee's own history.
    page.locator("#p-history-acc").click()
    expect(page.locator("#p-history")).to_contain_text("zh-vain-owner")


def test_follow_up_call_remembers_promise(server, page):
    sid = _seed_call(server["db"], "alice", CALL_LINES)
    _login(page, server["url"], "alice")
    _choose(page, "p-scenario", "屡次爽约后跟进")
    _persona(page, "zh-vain-owner")
    follow = page.locator("#p-follow")
    expect(follow).to_be_visible()
    _choose(page, "p-follow", re.compile(sid))
    page.locator("#p-start").click()
    _wait_idle_send(page)
    _say(
        page,
        "陈先生您好，我是华信银行信用卡中心的客服小王，工号1234，上次您答应的还款没有到账，想了解一下是什么情况？",
    )
    text = page.locator("#p-chat").inner_text()
    assert len(text) > 20


def test_trainer_edits_persona_with_error_then_fix(server, page):
    _login(page, server["url"], "tina")
    expect(page.get_by_role("tab", name="评分卡")).to_have_count(0)
    _tab(page, "角色工作室")
    _search_personas(page, "vain", "zh-vain-owner")
    _choose(page, "s-pick", "zh-vain-owner")
    expect(page.locator("#f-name textarea")).to_have_value("陈志远")
    _tab(page, "YAML")
    expect(page.locator("#s-yaml")).to_contain_text("陈志远")
    _box(page, "s-new-id").fill("zh-vain-studio")
    page.locator("#s-clone").click()
    expect(page.locator("#s-yaml")).to_contain_text("id: zh-vain-studio")
    expect(page.locator("#s-problems [data-testid='valid']")).to_be_visible()
    # Edit the YAML in place: an impossible difficulty.
    line = page.locator("#s-yaml .cm-line", has_text="difficulty:").first
    line.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("9")
    page.locator("#s-validate").click()
    problems = page.locator("#s-problems [data-testid='problems']")
    expect(problems).to_contain_text("difficulty - must be <= 5 (got 9)")
    shown = problems.inner_text().strip().splitlines()
    # Exactly the lines the CLI prints for the same file.
    from simulator import studio

    target = server["personas"] / "zh-vain-studio.yaml"
    edited = studio.clone_text(studio.read_text("zh-vain-owner"), "zh-vain-studio").replace(
        "difficulty: 3", "difficulty: 9"
    )
    probe = server["tmp"] / "cli-check" / "zh-vain-studio.yaml"
    probe.parent.mkdir(exist_ok=True)
    probe.write_text(edited, encoding="utf-8")
    expected = [ln.replace(str(probe), str(target)) for ln in _cli_problems(probe, server["personas"])]
    assert expected and shown == expected
    # Saving a file with errors is refused; nothing is written.
    page.locator("#s-save").click()
    expect(page.locator("#s-status")).to_contain_text("未保存")
    assert not target.exists()
    _shot(page, "studio.png")
    # Fix it and save.
    line = page.locator("#s-yaml .cm-line", has_text="difficulty:").first
    line.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("4")
    page.locator("#s-save").click()
    expect(page.locator("#s-status [data-testid='saved']")).to_be_visible()
    assert target.exists() and "difficulty: 4" in target.read_text(encoding="utf-8")
    # Preview chat against the edited persona.
    page.locator("#pv-start").click()
    expect(page.locator("#pv-chat")).to_contain_text("喂")
    _box(page, "pv-msg").fill("您好，我是华信银行的客服小王，工号1234，请问是陈志远先生吗？")
    page.locator("#pv-send").click()
    page.wait_for_function("document.querySelectorAll('#pv-chat .message-row').length >= 3")
    _shot(page, "studio-preview.png")
    # The saved persona is in Practice at once, without a restart.
    _tab(page, "通话练习")
    expect(page.locator("#p-persona")).to_contain_text("zh-vain-studio")


def _cli_problems(path: Path, personas_dir: Path) -> list[str]:
    r = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "personas", "validate", str(path)],
        cwd=ROOT,
        env={**os.environ, "COLLECTSIM_USER_PERSONAS": str(personas_dir)},
        capture_output=True,
        text=True,
    )
    return [ln for ln in r.stdout.splitlines() if " - " in ln]


def test_evaluator_filters_charts_and_exports(server, page):
    sid_a = _seed_call(server["db"], "alice", CALL_LINES, seed=5)
    sid_b = _seed_call(server["db"], "bob", CALL_LINES[:3] + [BANNED_LINE], seed=6)
    _login(page, server["url"], "eva")
    expect(page.get_by_role("tab", name="角色工作室")).to_have_count(0)
    _tab(page, "评分卡")
    expect(page.locator("#c-table")).to_contain_text(sid_a)
    expect(page.locator("#c-table")).to_contain_text(sid_b)
    # Filter by trainee.
    _choose(page, "c-trainee", "bob")
    page.locator("#c-apply").click()
    expect(page.locator("#c-table")).not_to_contain_text(sid_a)
    expect(page.locator("#c-table")).to_contain_text(sid_b)
    _choose(page, "c-trainee", "（全部）")
    page.locator("#c-apply").click()
    expect(page.locator("#c-table")).to_contain_text(sid_a)
    # Charts render.
    expect(page.locator("#c-line canvas, #c-line svg").first).to_be_visible()
    expect(page.locator("#c-bar canvas, #c-bar svg").first).to_be_visible()
    # Open one scorecard.
    _choose(page, "c-open-pick", re.compile(sid_b))
    expect(page.locator("#c-card [data-testid='scorecard']")).to_be_visible()
    # Export the selection as CSV and check the downloaded content.
    page.locator("#c-all").click()
    page.locator("#c-format label", has_text="CSV（每通电话一行）").click()
    page.locator("#c-export").click()
    link = page.locator("#c-file a").first
    expect(link).to_be_visible()
    with page.expect_download() as dl:
        link.click()
    raw = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    ids = {r.get("transcript_id") or r.get("session_id") or r.get("id") for r in rows}
    assert {sid_a, sid_b} <= ids, raw[:500]
    # ... and as JSON.
    page.locator("#c-format label", has_text="JSON").click()
    page.locator("#c-export").click()
    link = page.locator("#c-file a[href*='.json'], #c-file a[download*='.json']").first
    expect(link).to_be_visible()
    with page.expect_download() as dl:
        link.click()
    cards = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    cards = cards if isinstance(cards, list) else cards.get("scorecards", [cards])
    assert {sid_a, sid_b} <= {c["transcript_id"] for c in cards}
    page.locator("#c-card").scroll_into_view_if_needed()
    _shot(page, "scorecards.png")
    # Grade an uploaded transcript of a real call (plain text, agent/customer lines).
    real = server["tmp"] / "real-call.txt"
    real.write_text(
        "客户：喂？\n坐席：" + CALL_LINES[0] + "\n客户：是我。\n坐席：" + BANNED_LINE + "\n", encoding="utf-8"
    )
    page.locator("#c-upload-acc").click()
    page.locator("#c-files input[type=file]").set_input_files(str(real))
    page.locator("#c-grade").click()
    expect(page.locator("#c-up-table")).to_contain_text("real-call")
    up = page.locator("#c-up-card [data-testid='scorecard']")
    expect(up).to_be_visible()
    expect(up.locator("[data-testid='finding']").first).to_be_visible()
    _shot(page, "scorecards-upload.png")


def test_trainee_refused_other_trainees_scorecard(server, page):
    sid = _seed_call(server["db"], "alice", CALL_LINES, seed=7)
    own = _seed_call(server["db"], "bob", CALL_LINES[:2], seed=8)
    _login(page, server["url"], "bob")
    page.locator("#p-history-acc").click()
    # Bob opens his own call ...
    _box(page, "p-open-id").fill(own)
    page.locator("#p-open").click()
    expect(page.locator("#p-open-html [data-testid='scorecard']")).to_be_visible()
    # ... but Alice's is refused by the server.
    _box(page, "p-open-id").fill(sid)
    page.locator("#p-open").click()
    expect(page.locator("#p-open-html [data-testid='denied']")).to_be_visible()
    expect(page.locator("#p-open-html")).not_to_contain_text("陈志远")
    _shot(page, "access-denied.png")
    # The same refusal when the endpoints are called directly with Bob's signed token.
    token = page.evaluate("() => localStorage.getItem('collectsim_token')")
    assert token
    base = server["url"]
    out = _api(page, base, "open_record", [_bob_token(server), "zh-CN", sid])
    assert "data-testid='denied'" in out and sid not in out.replace(f"'{sid}'", "")
    out = _api(page, base, "open_record", ["", "zh-CN", sid])
    assert "data-testid='denied'" in out
    forged = _bob_token(server).rsplit(".", 1)[0] + "." + "0" * 64
    assert "data-testid='denied'" in _api(page, base, "open_record", [forged, "zh-CN", sid])
    exported = _api(page, base, "export", [_bob_token(server), "zh-CN", [sid], "csv_calls"])
    assert ".csv" not in exported and '"path"' not in exported  # no file for a trainee


def _bob_token(server) -> str:
    from simulator.auth import User, UserDB

    return UserDB(server["db"]).issue_token(User("bob", "trainee"))


def _api(page: Page, base: str, name: str, data: list) -> str:
    """Call a Gradio endpoint over HTTP (two-step /call API) and return the raw result event data."""
    r = page.request.post(f"{base}gradio_api/call/{name}", data={"data": data})
    assert r.ok, r.text()
    event_id = r.json()["event_id"]
    body = page.request.get(f"{base}gradio_api/call/{name}/{event_id}").text()
    return "\n".join(ln[5:].strip() for ln in body.splitlines() if ln.startswith("data:"))


def test_single_user_mode_says_so_and_shows_backend_fallback(tmp_path, browser):
    # A model server that is not there: the app falls back to scripted replies and says so.
    env = {"COLLECTSIM_BACKEND": "openai", "COLLECTSIM_MODEL": "http://127.0.0.1:9/v1#missing-model"}
    proc, url = _start_app(tmp_path, "single", env)
    try:
        ctx = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(url)
        expect(page.locator("[data-testid='single-user']")).to_contain_text("single-user")
        for tab in ("Practice", "Persona studio", "Scorecards"):
            expect(page.get_by_role("tab", name=tab)).to_be_visible()
        expect(page.locator("#cs-login-btn")).to_be_hidden()
        _persona(page, "zh-vain-owner")
        page.locator("#p-start").click()
        notice = page.locator("[data-testid='backend-notice']")
        expect(notice).to_contain_text("scripted")
        expect(notice).not_to_contain_text("Traceback")
        _wait_idle_send(page)
        _say(page, CALL_LINES[0])
        assert "Traceback" not in page.locator("body").inner_text()
        _shot(page, "practice-en.png")
        ctx.close()
    finally:
        _stop(proc)


def test_two_trainees_at_once_keep_their_own_calls(server, browser):
    """Two browsers in parallel: each call stays with its own trainee and page."""
    pages = {}
    for name in ("alice", "bob"):
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
        pg = ctx.new_page()
        pg.set_default_timeout(TIMEOUT)
        _login(pg, server["url"], name)
        _persona(pg, "zh-vain-owner")
        pages[name] = pg
    for pg in pages.values():
        pg.locator("#p-start").click()
    for pg in pages.values():
        _wait_idle_send(pg)
    mine = {"alice": CALL_LINES[0], "bob": CALL_LINES[0].replace("我姓王", "我姓李").replace("1234", "5678")}
    for name, pg in pages.items():  # both lines in flight at the same time
        _box(pg, "p-msg").fill(mine[name])
        _box(pg, "p-msg").press("Enter")
    for name, pg in pages.items():
        expect(pg.locator("#p-chat")).to_contain_text(mine[name])
        _wait_idle_send(pg)
    assert "我姓李" not in pages["alice"].locator("#p-chat").inner_text()
    assert "我姓王" not in pages["bob"].locator("#p-chat").inner_text()
    from simulator.session import SessionManager

    mgr = SessionManager(str(server["db"]))
    for name in ("alice", "bob"):
        latest = mgr.get(mgr.list(trainee=name, limit=1)[0]["id"])
        assert mine[name] in [t["text"] for t in latest["turns"]]
    for pg in pages.values():
        pg.context.close()
