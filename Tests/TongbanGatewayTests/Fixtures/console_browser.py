#!/usr/bin/env python3
"""Drives the console in headless Chromium over the DevTools protocol (--remote-debugging-pipe:
commands on fd 3, events and answers on fd 4, each a JSON message ended by NUL), the way an
operator would: log in, find the dead letter, dry-run a re-translation, confirm it with a reason,
and wait until the transfer shows as delivered. Saves a PNG of every page in OUT_DIR.

usage: console_browser.py CHROMIUM BASE_URL OUT_DIR NAME PASSWORD
Exits 0 when every step saw what it expected; otherwise prints the failing step and exits 1.
Standard library only. Page interaction (typing, clicking) uses DevTools' Runtime.evaluate:
the console itself has no JavaScript."""
import base64, json, os, subprocess, sys, tempfile, time

chromium, base, out_dir, name, password = sys.argv[1:6]
os.makedirs(out_dir, exist_ok=True)
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
profile = tempfile.mkdtemp(prefix="tongban-chromium-")


def child_fds():
    # Through fresh descriptors first: a pipe end may itself be 3 or 4.
    commands, answers = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(commands, 3)
    os.dup2(answers, 4)


browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank"],
    pass_fds=(), preexec_fn=child_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False)
os.close(to_chrome_r)
os.close(from_chrome_w)
buffer = b""
next_id = 0
session = None


def fail(message):
    print("FAILED: " + message, flush=True)
    browser.kill()
    sys.exit(1)


def read_message(deadline):
    global buffer
    while b"\0" not in buffer:
        if time.time() > deadline:
            fail("chromium did not answer in time")
        chunk = os.read(from_chrome_r, 1 << 16)
        if not chunk:
            fail("chromium closed the pipe")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)


def send(method, params=None, wait_event=None, timeout=30):
    """Sends one command; returns its result (and waits for `wait_event` on the page, if given)."""
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session and not method.startswith("Target."):
        message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    deadline = time.time() + timeout
    result, seen = None, wait_event is None
    while result is None or not seen:
        reply = read_message(deadline)
        if reply.get("id") == next_id:
            if "error" in reply:
                fail(f"{method}: {reply['error']}")
            result = reply.get("result", {})
        elif reply.get("method") == wait_event:
            seen = True
    return result


def evaluate(expression, wait_load=False):
    result = send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                  wait_event="Page.loadEventFired" if wait_load else None)
    return result.get("result", {}).get("value")


def open_page(path):
    send("Page.navigate", {"url": base + path}, wait_event="Page.loadEventFired")


def text():
    return evaluate("document.body.innerText") or ""


def shot(step):
    data = base64.b64decode(send("Page.captureScreenshot", {"format": "png"})["data"])
    path = os.path.join(out_dir, step + ".png")
    with open(path, "wb") as file:
        file.write(data)
    print("screenshot " + path, flush=True)


def expect(step, *needles):
    body = text()
    for needle in needles:
        if needle not in body:
            fail(f"{step}: the page does not show {needle!r}; it shows:\n{body[:3000]}")


def submit(selector):
    """Clicks a submit button and waits for the page it leads to."""
    evaluate(f"document.querySelector({json.dumps(selector)}).click()", wait_load=True)


def fill(selector, value):
    evaluate(f"document.querySelector({json.dumps(selector)}).value = {json.dumps(value)}")


target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
send("Page.enable")

open_page("/console/login")
expect("login page", "Log in")
fill("input[name=name]", name)
fill("input[name=password]", password)
shot("01-login")
submit("button[type=submit]")
expect("overview", "Overview", "henan-tongbai", name)
shot("02-overview")

open_page("/console/dead-letters?destination=henan-tongbai")
expect("dead letters", "Dead letters", "henan-tongbai")
shot("03-dead-letters")
transfer = evaluate("document.querySelector('input[name=id]').value")
if not transfer:
    fail("dead letters: no dead letter to tick")
evaluate("document.querySelector('input[name=id]').checked = true")
submit("form[action='/console/replay'] button[type=submit]")
expect("replay form", "Replay", "re-translate")
shot("04-replay-form")

evaluate("document.querySelector('input[value=retranslate]').checked = true")
submit("button[value=dry-run]")
expect("dry run", "would be queued", "<ZJLX>11</ZJLX>", "<ZJLX>10</ZJLX>")
shot("05-dry-run")

fill("input[name=reason]", "ZJLX 10 for 居民身份证, code list fixed")
submit("button[value=confirm]")
expect("replay progress", "Replay", "retranslate", "ZJLX 10 for 居民身份证")
shot("06-replay-progress")

deadline = time.time() + 30
while True:
    open_page(f"/console/transfers/{transfer}")
    if evaluate("document.getElementById('state').innerText") == "delivered":
        break
    if time.time() > deadline:
        fail(f"transfer {transfer} was not delivered within 30 s:\n{text()[:2000]}")
    time.sleep(0.5)
expect("delivered transfer", "delivered", "replay retranslate", "operator:" + name)
shot("07-transfer-delivered")
browser.kill()
print("ok", flush=True)
