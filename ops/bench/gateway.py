#!/usr/bin/env python3
"""Gateway benchmark driver; run it through ops/bench/gateway.sh (see ops/bench/README.md).

Starts the release build's `tongban simulate` and `tongban serve` on loopback with a
configuration and data directory of their own, then:
  1. intake: wrk POST /v1/cases (realistic ~1 KB canonical cases, unique case numbers, every
     answer must be 202 = durably committed) and wrk GET /health/live (the HTTP ceiling of the
     same server), in interleaved rounds; medians of rate, p50 and p99, and the intake/health
     ratio. The partner is held down (`/_sim/control`) meanwhile, so deliveries do not compete
     with intake for the two cores and every accepted case stays queued;
  2. drain: with a backlog of at least --backlog cases queued for 桐柏 (topped up if the rounds
     queued fewer), the partner comes back; time until the simulator has taken every case, the
     drain rate, and the gateway's RSS every second (start, peak, end; flat or not);
  3. a summary with PASS/FAIL per target, and a markdown block for docs/performance.md.
Python standard library only.
"""
import argparse
import datetime as dt
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (shared helpers of the translation benchmark)
import gen_cases  # noqa: E402

# Issue 3 §8.
TARGET_INTAKE_RATE = 3000.0     # accepted cases/s at 64 connections, at least
TARGET_INTAKE_P99_MS = 50.0     # at most
TARGET_INTAKE_SHARE = 0.20      # intake rate ÷ health rate of the same run, at least
TARGET_RSS_PEAK = 1.5           # peak RSS during the drain ÷ RSS when it starts, at most
TARGET_RSS_TREND = 1.10         # RSS at the end ÷ RSS half-way through the drain, at most

PARTNER = "henan-tongbai"       # KSTB push partner: no rate limit in its agreement (Zaoyang has 10/s)
REGION = "411330"
DEMO_API_KEY = "demo-window-key-suixian"
DEMO_API_KEY_SHA256 = "1c930a63ab7785eabbb462006726831f383c2dfab5ad6ef82b0a508f9a963171"


class BenchError(Exception):
    pass


say = bench.say
fmt_int = bench.fmt_int


# ---------------------------------------------------------------------------------------------
# Processes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
# Written by ops/bench/gateway.py for one benchmark run (demo secrets of ops/config/tongban.yaml).
listen: {{host: 127.0.0.1, port: {gport}}}
dataDirectory: {data}
mappings: {mappings}
shutdownGrace: 10s
maxBodyBytes: 1048576
local:
  name: suixian
  endpoint: http://127.0.0.1:{sport}/local
  apiKeys:
    - {{name: suixian-windows, sha256: {key_sha}}}
  # The benchmark's wrk sends thousands of cases a second with this one key: no rate limit.
  rateLimit: {{requestsPerSecond: 0}}
delivery:
  workers: 4
  retry: {{base: 1s, cap: 5m, maxAttempts: 12, maxAge: 72h}}
  # The breaker reopens for a probe after 1 s (30 s in the sample configuration), so the
  # partner's return is noticed within a second of the drain's start.
  breaker: {{failures: 5, openFor: 1s}}
partners:
  henan-tongbai:
    protocol: kstb
    baseURL: http://127.0.0.1:{sport}/henan-tongbai
    transport: {{connectTimeout: 5s, totalTimeout: 30s}}
    # The probes of the outage must not leave a transfer minutes of backoff away (or dead) when
    # the partner returns: that tail would measure the retry policy, not the drain.
    retry: {{base: 1s, cap: 2s, maxAttempts: 100000, maxAge: 72h}}
  hubei-zaoyang:
    protocol: apas
    baseURL: http://127.0.0.1:{sport}/hubei-zaoyang
    appId: suixian-gateway
    appSecret: {{demo: demo-zaoyang-secret-for-suixian}}
    partnerAppId: zaoyang-apas
    partnerSecret: {{demo: demo-suixian-secret-for-zaoyang}}
    pollInterval: 5m
    requestsPerSecond: 10
  xiangshisuishen:
    protocol: hub
    tokens:
      - sha256: d16db8f71e2e69b8b2d99486d6301bae856c52c5128bdb4eb7a6c7e560698f7f
"""


class Processes:
    """The simulator and the gateway, started by this run and stopped by it (by pid)."""

    def __init__(self, tongban, run_dir, args):
        self.tongban, self.run_dir, self.args = tongban, run_dir, args
        self.gport, self.sport = free_port(), free_port()
        self.gateway_url = f"http://127.0.0.1:{self.gport}"
        self.sim_url = f"http://127.0.0.1:{self.sport}"
        self.data = os.path.join(run_dir, "data")
        self.db = os.path.join(self.data, "tongban.sqlite")
        self.config = os.path.join(run_dir, "tongban.yaml")
        self.procs = {}
        self.logs = {}

    def start(self):
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(CONFIG.format(gport=self.gport, sport=self.sport, data=self.data,
                                  mappings=os.path.join(ROOT, "mappings"), key_sha=DEMO_API_KEY_SHA256))
        self._spawn("simulator", [self.tongban, "simulate", "--listen", f"127.0.0.1:{self.sport}",
                                  "--gateway", self.gateway_url, "--step", "1h", "--hub-poll", "10s",
                                  "--mappings", os.path.join(ROOT, "mappings"),
                                  "--contracts", os.path.join(ROOT, "contracts"),
                                  "--log-level", "warning"])
        self._wait_http("simulator", self.sim_url + "/_sim/stats")
        self._spawn("gateway", [self.tongban, "serve", "--config", self.config, "--log-level", self.args.log_level])
        self._wait_http("gateway", self.gateway_url + "/health/ready")

    def _spawn(self, name, cmd):
        log = os.path.join(self.run_dir, f"{name}.log")
        self.logs[name] = log
        with open(log, "wb") as f:
            # cwd: the gateway serves docs/openapi.yaml relative to it.
            self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=f, stderr=f)
        say(f"  {name}: pid {self.procs[name].pid}, log {os.path.relpath(log, ROOT)}")

    def _wait_http(self, name, url, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.procs[name].poll() is not None:
                raise BenchError(f"{name} exited with {self.procs[name].returncode} while starting:\n"
                                 + tail_file(self.logs[name]))
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise BenchError(f"{name} did not answer {url} within {timeout} s:\n" + tail_file(self.logs[name]))

    def pid(self, name):
        return self.procs[name].pid

    def check_alive(self):
        for name, p in self.procs.items():
            if p.poll() is not None:
                raise BenchError(f"{name} exited with {p.returncode}:\n" + tail_file(self.logs[name]))

    def stop(self):
        # The gateway first (it delivers to the simulator), each by its own pid.
        for name in ("gateway", "simulator"):
            p = self.procs.get(name)
            if p is None or p.poll() is not None:
                continue
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                say(f"  {name} did not stop within 20 s of SIGTERM; killing pid {p.pid}")
                p.kill()
                p.wait()


def tail_file(path, n=15):
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - 20000))
            return bench.tail(f.read(), n)
    except OSError:
        return "    (no log)"


def http_json(method, url, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def set_partner_down(procs, down):
    answer = http_json("POST", procs.sim_url + "/_sim/control", {"partner": PARTNER, "down": down})
    if answer["faults"][PARTNER]["down"] != down:
        raise BenchError(f"/_sim/control did not set {PARTNER} down={down}: {answer}")


def sim_stats(procs):
    return http_json("GET", procs.sim_url + "/_sim/stats")[PARTNER]


def proc_status_kib(pid, field):
    with open(f"/proc/{pid}/status", "rb") as f:
        for line in f:
            if line.startswith(field.encode() + b":"):
                return int(line.split()[1])
    return 0


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_write_bytes(pid):
    """Bytes the process has caused to be written to storage (/proc/PID/io write_bytes)."""
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def machine_busy_seconds():
    """CPU seconds all processes have used (user, nice, system, irq, softirq, steal), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")


def transfer_counts(db):
    """Transfers to the partner by state, read-only (the gateway keeps writing meanwhile)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        rows = con.execute("SELECT state, COUNT(*) FROM transfers WHERE destination = ? GROUP BY state",
                           (PARTNER,)).fetchall()
        attempts = con.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    finally:
        con.close()
    counts = dict(rows)
    counts["_attempts"] = attempts
    return counts


# ---------------------------------------------------------------------------------------------
# wrk


def templates(out_dir, count, seed):
    """Canonical Tongbai cases with the case number replaced by intake.lua's placeholder."""
    _, tb = gen_cases.generate(count, out_dir, seed, quiet=True)
    path = os.path.join(out_dir, f"intake-templates-{count}.ndjson")
    if not (os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(tb)):
        with open(tb, encoding="utf-8") as f, open(path + ".tmp", "w", encoding="utf-8") as g:
            for line in f:
                case = json.loads(line)
                if case.get("handlingRegion") != REGION:
                    raise BenchError(f"{tb}: a case for {case.get('handlingRegion')}, not {REGION}")
                line = re.sub(r'"caseNumber":"[^"]*"', '"caseNumber":"@CASE@"', line.rstrip("\n"), count=1)
                g.write(line + "\n")
        os.replace(path + ".tmp", path)
    with open(path, "rb") as f:
        sizes = [len(l) - 1 + 20 for l in f]   # + a case number of about 20 characters
    return path, statistics.mean(sizes)


def run_wrk(args, kind, url, seconds, log_dir, label, script_args=(), interrupt=None):
    script = os.path.join(HERE, "intake.lua" if kind == "intake" else "health.lua")
    cmd = [args.wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency",
           "--timeout", "10s", "-s", script, url]
    if script_args:
        cmd += ["--", *script_args]
    log = os.path.join(log_dir, f"wrk-{label.replace(' ', '-')}.txt")
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if interrupt:
        threading.Thread(target=interrupt, args=(p,), daemon=True).start()
    out, _ = p.communicate()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    text = out.decode("utf-8", "replace")
    with open(log, "w", encoding="utf-8") as f:
        f.write(" ".join(cmd) + "\n\n" + text)
    m = re.search(r"^WRK-RESULT (\{.*\})$", text, re.M)
    if p.returncode != 0 or not m:
        raise BenchError(f"wrk ({label}) exited {p.returncode} without a result; output in {log}:\n"
                         + bench.tail(out))
    r = json.loads(m.group(1))
    secs = r["duration_us"] / 1e6
    errors = sum(r["errors"][k] for k in ("connect", "read", "write", "timeout"))
    bad = r.get("non202", r["errors"]["status"])
    r.update(seconds=secs, socket_errors=errors, bad=bad, ok=r["requests"] - bad,
             rate=(r["requests"] - bad) / secs, p50_ms=r["p50_us"] / 1000, p99_ms=r["p99_us"] / 1000,
             log=log, wrk_cpu=wrk_cpu)
    return r


def measure(args, procs, kind, label, log_dir, tag=None, templates_path=None, seconds=None):
    seconds = seconds or args.duration
    gpid, spid = procs.pid("gateway"), procs.pid("simulator")
    cpu0, sim0, busy0 = proc_cpu_seconds(gpid), proc_cpu_seconds(spid), machine_busy_seconds()
    written0 = proc_write_bytes(gpid)
    if kind == "intake":
        r = run_wrk(args, kind, procs.gateway_url + "/v1/cases", seconds, log_dir, label,
                    (templates_path, tag, DEMO_API_KEY))
    else:
        r = run_wrk(args, kind, procs.gateway_url + "/health/live", seconds, log_dir, label)
    r["gateway_cores"] = (proc_cpu_seconds(gpid) - cpu0) / r["seconds"]
    r["wrk_cores"] = r["wrk_cpu"] / r["seconds"]
    r["written_per_request"] = (proc_write_bytes(gpid) - written0) / max(1, r["ok"])
    # Everything else the machine ran meanwhile (other processes, interrupts): not this benchmark.
    r["other_cores"] = max(0.0, (machine_busy_seconds() - busy0 - (proc_cpu_seconds(gpid) - cpu0)
                                 - (proc_cpu_seconds(spid) - sim0) - r["wrk_cpu"]) / r["seconds"])
    procs.check_alive()
    flag = ""
    if r["socket_errors"]:
        flag += f"  SOCKET ERRORS {r['errors']}"
    if r["bad"]:
        flag += (f"  NON-202: {r['bad']} {r.get('non202_by_status', '')} e.g. {r.get('non202_examples', [''])[:1]}"
                 if kind == "intake" else f"  NON-2xx: {r['bad']}")
    what = "accepted cases/s" if kind == "intake" else "GETs/s"
    say(f"  {label:<12} {fmt_int(r['rate']):>7} {what:<16}  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms"
        f"  ({fmt_int(r['requests'])} in {r['seconds']:.1f} s; cores: gateway {r['gateway_cores']:.2f}, "
        f"wrk {r['wrk_cores']:.2f}, rest of the machine {r['other_cores']:.2f}; "
        f"{r['written_per_request'] / 1024:.1f} KiB written to storage per request){flag}")
    return r


# ---------------------------------------------------------------------------------------------
# Drain


def top_up(args, procs, target, templates_path, tag, log_dir):
    """Submits cases until at least `target` transfers to the partner are queued."""
    have = transfer_counts(procs.db).get("pending", 0)
    if have >= target:
        return
    need = target - have
    say(f"  backlog: {fmt_int(have)} queued by the rounds; topping up with {fmt_int(need)} more cases")
    per_thread = -(-need // args.threads)

    def watch(p):
        # intake.lua stops each thread at its share; wrk itself waits out -d, so end it (SIGINT
        # makes wrk print its results) once the queue has the cases or stops growing.
        last, still = -1, 0
        while p.poll() is None:
            time.sleep(0.5)
            n = transfer_counts(procs.db).get("pending", 0)
            still = still + 1 if n == last else 0
            last = n
            if n >= target or still >= 4:
                p.send_signal(signal.SIGINT)
                return

    r = run_wrk(args, "intake", procs.gateway_url + "/v1/cases", int(need / 500) + 30, log_dir, "top-up",
                (templates_path, tag, DEMO_API_KEY, str(per_thread)), interrupt=watch)
    if r["bad"] or r["socket_errors"]:
        raise BenchError(f"top-up: {r['bad']} non-202 answers, socket errors {r['errors']} (see {r['log']})")


def drain(args, procs):
    before = transfer_counts(procs.db)
    backlog = before.get("pending", 0) + before.get("inFlight", 0)
    stats0 = sim_stats(procs)
    taken0 = stats0["casesProcessed"]
    gpid = procs.pid("gateway")
    spid = procs.pid("simulator")
    say(f"  backlog: {fmt_int(backlog)} transfers queued for {PARTNER} "
        f"({', '.join(f'{k} {fmt_int(v)}' for k, v in sorted(before.items()) if not k.startswith('_'))}); "
        f"simulator holds {fmt_int(taken0)}")
    rss = []          # (seconds since start, gateway VmRSS KiB, simulator VmRSS KiB)
    progress = []     # (seconds, cases taken by the simulator)
    cpu0 = proc_cpu_seconds(gpid)
    start = time.monotonic()
    rss.append((0.0, proc_status_kib(gpid, "VmRSS"), proc_status_kib(spid, "VmRSS")))
    set_partner_down(procs, False)
    next_sample, next_print, first = 1.0, 10.0, None
    deadline = args.drain_timeout
    taken = taken0
    while True:
        time.sleep(0.25)
        t = time.monotonic() - start
        taken = sim_stats(procs)["casesProcessed"] - taken0
        if taken and first is None:
            first = t
        if t >= next_sample:
            rss.append((t, proc_status_kib(gpid, "VmRSS"), proc_status_kib(spid, "VmRSS")))
            progress.append((t, taken))
            next_sample += 1.0
        if t >= next_print:
            say(f"    {t:5.0f} s: {fmt_int(taken):>7} of {fmt_int(backlog)} delivered, "
                f"gateway RSS {rss[-1][1] / 1024:.1f} MiB")
            next_print += 10.0
        if taken >= backlog:
            break
        procs.check_alive()
        if t > deadline:
            raise BenchError(f"drain: {fmt_int(taken)} of {fmt_int(backlog)} delivered after {deadline} s (--drain-timeout)")
    elapsed = time.monotonic() - start
    cores = (proc_cpu_seconds(gpid) - cpu0) / elapsed
    rss.append((elapsed, proc_status_kib(gpid, "VmRSS"), proc_status_kib(spid, "VmRSS")))
    # The simulator has every case; the gateway records each answer right after it. Wait for the
    # last records, then check the outbox: everything delivered, nothing dead.
    for _ in range(60):
        after = transfer_counts(procs.db)
        if after.get("pending", 0) + after.get("inFlight", 0) == 0:
            break
        time.sleep(0.5)
    stats = sim_stats(procs)
    # Rate in the first and the second half of the cases: a queue whose cost grows with its
    # length drains faster as it empties.
    half = next((t for t, n in progress if n >= backlog / 2), elapsed / 2)
    halves = (backlog / 2 / half, backlog / 2 / max(elapsed - half, 1e-9))
    return {"backlog": backlog, "seconds": elapsed, "rate": backlog / elapsed, "first_s": first, "halves": halves,
            "rss": rss, "progress": progress, "after": after, "before": before, "gateway_cores": cores,
            "taken": stats["casesProcessed"] - taken0, "received": stats["messagesReceived"] - stats0["messagesReceived"],
            "duplicates": stats["duplicatesRecognised"] - stats0["duplicatesRecognised"],
            "faults": stats["faultsInjected"] - stats0["faultsInjected"]}


def rss_verdict(d):
    g = [kib for _, kib, _ in d["rss"]]
    start, peak, end = g[0], max(g), g[-1]
    half = d["seconds"] / 2
    mid = min(d["rss"], key=lambda s: abs(s[0] - half))[1]
    return {"start": start, "peak": peak, "end": end, "mid": mid, "peak_ratio": peak / start,
            "trend": end / mid, "sim_start": d["rss"][0][2], "sim_end": d["rss"][-1][2],
            "flat": peak / start <= TARGET_RSS_PEAK and end / mid <= TARGET_RSS_TREND}


# ---------------------------------------------------------------------------------------------
# Report


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def commit_label():
    label = bench.commit()
    try:
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        dirty = ""
    return label + (" + uncommitted changes to Sources/" if dirty else "")


def wrk_version(wrk):
    return bench.tool_version([wrk, "-v"]).split(" [")[0].split(" Copyright")[0]


def summary_md(args, res, tongban, fs):
    h, i = res["health"], res["intake"]
    d, m = res.get("drain"), res.get("rss")
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = [f"### Gateway benchmark — {now}, commit `{commit_label()}`", "",
         f"- Machine: {bench.machine()}; data directory on {fs}",
         f"- Tools: {wrk_version(args.wrk)}; tongban `{os.path.relpath(tongban, ROOT) if tongban.startswith(ROOT) else tongban}`"
         + (" (given with --tongban: the commit above is the source tree's, not necessarily the binary's)"
            if args.tongban else " (release build)") + f", gateway log level {args.log_level}",
         f"- wrk: {args.threads} threads, {args.connections} connections, {args.duration} s per run, "
         f"{args.rounds} interleaved rounds (health and intake alternate), medians; everything on the same {os.cpu_count()} cores",
         f"- Intake: POST /v1/cases, canonical cases for 桐柏 ({REGION}, KSTB XML in GB18030), "
         f"{res['case_bytes']:.0f} bytes on average, from {args.templates} generated cases with unique case numbers; "
         f"202 = committed (WAL, synchronous=FULL, group commit); partner held down meanwhile",
         f"- Rest of the machine (other processes, interrupts) during the runs: {med(res['health'], 'other_cores'):.2f} cores "
         f"(health runs), {med(res['intake'], 'other_cores'):.2f} cores (intake runs), medians",
         f"- Drain: the simulator plays 桐柏 (KSTB, 4 delivery workers as in ops/config/tongban.yaml); "
         f"breaker openFor 1 s and retry cap 2 s for the run (see ops/bench/README.md)", "",
         "| measurement | runs (rate/s) | median rate/s | p50 (ms) | p99 (ms) | gateway cores | CPU per request (µs) | written per request (KiB) |",
         "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, runs in (("GET /health/live", h), ("POST /v1/cases (accepted)", i)):
        L.append(f"| {name} | {' / '.join(fmt_int(r['rate']) for r in runs)} | {fmt_int(med(runs, 'rate'))} "
                 f"| {med(runs, 'p50_ms'):.2f} | {med(runs, 'p99_ms'):.2f} | {med(runs, 'gateway_cores'):.2f} "
                 f"| {statistics.median(r['gateway_cores'] / r['rate'] * 1e6 for r in runs):.0f} "
                 f"| {med(runs, 'written_per_request') / 1024:.1f} |")
    share = med(i, "rate") / med(h, "rate")
    bad = sum(r["bad"] + r["socket_errors"] for r in i)
    if d is None:
        L += ["", "Drain: not run (--no-drain)."]
    else:
        L += ["", f"Drain: {fmt_int(d['backlog'])} queued cases, partner back at t = 0: first delivery after "
              f"{d['first_s'] or 0:.1f} s, all {fmt_int(d['taken'])} taken by the simulator after {d['seconds']:.1f} s: "
          f"**{fmt_int(d['rate'])} cases/s** (first half of the cases {fmt_int(d['halves'][0])}/s, second half "
          f"{fmt_int(d['halves'][1])}/s; gateway {d['gateway_cores']:.2f} cores); "
          f"outbox afterwards: {', '.join(f'{k} {fmt_int(v)}' for k, v in sorted(d['after'].items()) if not k.startswith('_'))}; "
          f"resends recognised by the partner: {fmt_int(d['duplicates'])}.",
          f"Gateway RSS during the drain (every second): start {m['start'] / 1024:.1f} MiB, half-way {m['mid'] / 1024:.1f}, "
          f"peak {m['peak'] / 1024:.1f}, end {m['end'] / 1024:.1f} MiB (peak/start {m['peak_ratio']:.2f}×, end/half-way {m['trend']:.2f}×)."]
    L += ["", "| target | measured | |", "|---|---:|---|",
          f"| intake ≥ {TARGET_INTAKE_RATE:,.0f} cases/s at {args.connections} connections | {fmt_int(med(i, 'rate'))} | {verdict(med(i, 'rate') >= TARGET_INTAKE_RATE)} |",
          f"| intake p99 ≤ {TARGET_INTAKE_P99_MS:g} ms | {med(i, 'p99_ms'):.1f} ms | {verdict(med(i, 'p99_ms') <= TARGET_INTAKE_P99_MS)} |",
          f"| intake ≥ {TARGET_INTAKE_SHARE:.0%} of the health route's rate | {share:.1%} | {verdict(share >= TARGET_INTAKE_SHARE)} |",
          f"| every intake answer 202, no socket errors | {fmt_int(bad)} others | {verdict(bad == 0)} |"]
    if d is not None:
        L += [f"| every queued case delivered (≥ {fmt_int(args.backlog)}) | {fmt_int(d['taken'])} of {fmt_int(d['backlog'])}, "
          f"{fmt_int(d['after'].get('dead', 0))} dead | {verdict(res['delivered_ok'])} |",
          f"| memory flat while draining (peak ≤ {TARGET_RSS_PEAK:g}× start, end ≤ {TARGET_RSS_TREND:g}× half-way) "
          f"| {m['peak_ratio']:.2f}×, {m['trend']:.2f}× | {verdict(m['flat'])} |"]
    return "\n".join(L) + "\n"


def filesystem(path):
    try:
        out = subprocess.run(["df", "-T", path], stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()[-1].split()
        return f"{out[1]} ({out[0]})"
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown filesystem"


def main():
    ap = argparse.ArgumentParser(prog="ops/bench/gateway.sh",
                                 description="Benchmark the gateway's intake and drain with wrk and the simulator.")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of health and intake (3); medians are reported")
    ap.add_argument("--duration", type=int, default=15, help="seconds per wrk run (15)")
    ap.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    ap.add_argument("--warmup", type=int, default=3, help="seconds of each route before the rounds, not counted (3)")
    ap.add_argument("--backlog", type=int, default=100_000, help="cases queued before the drain, at least (100000)")
    ap.add_argument("--drain-timeout", type=int, default=1800, help="give up the drain after this many seconds (1800)")
    ap.add_argument("--templates", type=int, default=2000, help="distinct generated cases the requests cycle through (2000)")
    ap.add_argument("--seed", type=int, default=gen_cases.DEFAULT_SEED, help="generator seed")
    ap.add_argument("--log-level", default="info", help="the gateway's --log-level (info, as deployed)")
    ap.add_argument("--tongban", metavar="PATH", help="use this tongban binary as is (never builds)")
    ap.add_argument("--no-build", action="store_true",
                    help="fail instead of building when .build/release/tongban is missing or stale")
    ap.add_argument("--no-drain", action="store_true", help="only the intake rounds")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (database, logs) afterwards")
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="work directory (ops/bench/out)")
    args = ap.parse_args()
    if args.rounds < 1 or args.duration < 1 or args.connections < 1 or args.threads < 1 or args.backlog < 0:
        ap.error("--rounds, --duration, --connections and --threads must be ≥ 1, --backlog ≥ 0")
    os.chdir(ROOT)
    args.wrk = shutil.which("wrk")
    if not args.wrk:
        raise BenchError("wrk is not installed (ops/bench/gateway.sh installs it; so does ops/setup.sh)")
    started = time.monotonic()

    tongban = bench.ensure_tongban(args)
    os.makedirs(args.out, exist_ok=True)
    tpl, case_bytes = templates(args.out, args.templates, args.seed)
    say(f"cases: {args.templates} canonical 桐柏 cases as templates ({os.path.relpath(tpl, ROOT)}), "
        f"{case_bytes:.0f} bytes per request body on average")
    run_dir = tempfile.mkdtemp(prefix="gateway-", dir=args.out)
    log_dir = run_dir
    fs = filesystem(run_dir)
    say(f"run directory: {os.path.relpath(run_dir, ROOT)} ({fs})")
    procs = Processes(tongban, run_dir, args)
    res = {"case_bytes": case_bytes}
    run_tag = secrets.token_hex(3)
    ok = False
    try:
        procs.start()
        set_partner_down(procs, True)
        say(f"\n{PARTNER} is held down (/_sim/control) during the intake rounds: deliveries wait, so the rounds "
            f"measure intake alone (the simulator would otherwise take cases on the same 2 cores)")
        say(f"\nwarm-up ({args.warmup} s each, not counted)")
        measure(args, procs, "health", "warm-up GET", log_dir, seconds=args.warmup)
        measure(args, procs, "intake", "warm-up POST", log_dir, tag=f"{run_tag}W", templates_path=tpl, seconds=args.warmup)
        health, intake = [], []
        for r in range(1, args.rounds + 1):
            say(f"\nround {r}/{args.rounds}")
            order = ("health", "intake") if r % 2 else ("intake", "health")
            for kind in order:
                if kind == "health":
                    health.append(measure(args, procs, "health", f"GET  r{r}", log_dir))
                else:
                    intake.append(measure(args, procs, "intake", f"POST r{r}", log_dir, tag=f"{run_tag}R{r}", templates_path=tpl))
        res["health"], res["intake"] = health, intake
        share = med(intake, "rate") / med(health, "rate")
        say(f"\nmedians: health {fmt_int(med(health, 'rate'))} GETs/s (p50 {med(health, 'p50_ms'):.2f} ms, "
            f"p99 {med(health, 'p99_ms'):.2f} ms); intake {fmt_int(med(intake, 'rate'))} cases/s "
            f"(p50 {med(intake, 'p50_ms'):.2f} ms, p99 {med(intake, 'p99_ms'):.2f} ms); intake/health = {share:.1%}")
        counts = transfer_counts(procs.db)
        say(f"outbox after the rounds: {', '.join(f'{k} {fmt_int(v)}' for k, v in sorted(counts.items()) if not k.startswith('_'))}; "
            f"delivery attempts recorded during the outage: {fmt_int(counts['_attempts'])}")

        if not args.no_drain:
            say(f"\ndrain")
            top_up(args, procs, args.backlog, tpl, f"{run_tag}U", log_dir)
            d = drain(args, procs)
            res["drain"] = d
            res["rss"] = m = rss_verdict(d)
            dead = d["after"].get("dead", 0)
            res["delivered_ok"] = (d["taken"] >= d["backlog"] >= args.backlog and dead == 0
                                   and d["after"].get("pending", 0) + d["after"].get("inFlight", 0) == 0)
            say(f"  drained {fmt_int(d['backlog'])} cases in {d['seconds']:.1f} s: {fmt_int(d['rate'])} cases/s "
                f"(first half {fmt_int(d['halves'][0])}, second half {fmt_int(d['halves'][1])} cases/s; "
                f"first delivery after {d['first_s'] or 0:.1f} s; gateway {d['gateway_cores']:.2f} cores); "
                f"requests to the partner {fmt_int(d['received'])}, resends recognised {fmt_int(d['duplicates'])}, "
                f"503s {fmt_int(d['faults'])}")
            say(f"  gateway RSS: start {m['start'] / 1024:.1f} MiB, half-way {m['mid'] / 1024:.1f}, peak {m['peak'] / 1024:.1f}, "
                f"end {m['end'] / 1024:.1f} MiB: peak/start {m['peak_ratio']:.2f}×, end/half-way {m['trend']:.2f}× "
                f"(simulator {m['sim_start'] / 1024:.0f} → {m['sim_end'] / 1024:.0f} MiB, holding every case)")
            with open(os.path.join(run_dir, "drain.json"), "w") as f:
                json.dump({k: v for k, v in d.items()}, f)
        ok = True
    finally:
        say("\nstopping the gateway and the simulator")
        procs.stop()
        if ok and not args.keep:
            shutil.rmtree(procs.data, ignore_errors=True)

    say("\nResults")
    i, h = res["intake"], res["health"]
    share = med(i, "rate") / med(h, "rate")
    bad = sum(r["bad"] + r["socket_errors"] for r in i)
    lines = [
        (f"intake {fmt_int(med(i, 'rate'))} cases/s (target ≥ {TARGET_INTAKE_RATE:,.0f})", med(i, "rate") >= TARGET_INTAKE_RATE),
        (f"intake p99 {med(i, 'p99_ms'):.1f} ms (target ≤ {TARGET_INTAKE_P99_MS:g} ms)", med(i, "p99_ms") <= TARGET_INTAKE_P99_MS),
        (f"intake/health {share:.1%} = {fmt_int(med(i, 'rate'))} / {fmt_int(med(h, 'rate'))} (target ≥ {TARGET_INTAKE_SHARE:.0%})",
         share >= TARGET_INTAKE_SHARE),
        (f"intake answers other than 202, socket errors: {bad}", bad == 0),
    ]
    if "drain" in res:
        d, m = res["drain"], res["rss"]
        lines += [
            (f"drain: {fmt_int(d['taken'])} of {fmt_int(d['backlog'])} cases delivered at {fmt_int(d['rate'])} cases/s, "
             f"{fmt_int(d['after'].get('dead', 0))} dead", res["delivered_ok"]),
            (f"memory while draining: peak/start {m['peak_ratio']:.2f}× (≤ {TARGET_RSS_PEAK:g}), "
             f"end/half-way {m['trend']:.2f}× (≤ {TARGET_RSS_TREND:g})", m["flat"]),
        ]
    for text, passed in lines:
        say(f"  {verdict(passed)}  {text}")
    rest = med(i, "other_cores")
    if rest > 0.25:
        say(f"  note: the rest of the machine used {rest:.2f} cores during the intake runs (median): it was not idle, "
            f"and intake had less CPU than it would have on an idle machine")
    md = summary_md(args, res, tongban, fs)
    path = os.path.join(args.out, "summary-gateway.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(md)
    say(f"\nSummary for docs/performance.md (also in {os.path.relpath(path, ROOT)}):\n")
    say(md)
    say(f"benchmark time: {time.monotonic() - started:.0f} s")
    return 0 if all(p for _, p in lines) else 3


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BenchError, bench.BenchError) as e:
        print(f"\ngateway bench: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
