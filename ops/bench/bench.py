#!/usr/bin/env python3
"""Translation benchmark driver; run it through ops/bench/translate.sh (see ops/bench/README.md).

Steps: generate the cases (once per N), build tongban if needed, check tongban's output on a
sample (exit code, case count, same JSON as zaoyang.jq), then time each measurement R times in a
fresh measuring process per run, and print the results and a markdown summary.
Python standard library only.
"""
import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen_cases  # noqa: E402

TARGET_SPEEDUP = 3.0       # tongban cases/s ÷ jq cases/s, at least
TARGET_XML_FACTOR = 2.0    # JSON cases/s ÷ XML cases/s, at most
TARGET_FLATNESS = 1.3      # peak RSS on N cases ÷ peak RSS on the small set, at most


class BenchError(Exception):
    pass


def say(msg=""):
    print(msg, flush=True)


def fmt_int(n):
    return f"{n:,.0f}"


def mib(kib):
    return kib / 1024


# ---------------------------------------------------------------------------------------------
# Inputs


def first_lines(src, k, dst):
    """dst holds the first k lines of src; rewritten when missing or older than src."""
    if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src):
        return dst
    tmp = dst + ".tmp"
    with open(src, "rb") as f, open(tmp, "wb") as g:
        for i, line in enumerate(f):
            if i >= k:
                break
            g.write(line)
    os.replace(tmp, dst)
    return dst


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 22):
            pass


# ---------------------------------------------------------------------------------------------
# tongban binary


def newest_source_mtime():
    newest, which = 0.0, None
    candidates = [os.path.join(ROOT, "Package.swift"), os.path.join(ROOT, "Package.resolved")]
    for base, _, files in os.walk(os.path.join(ROOT, "Sources")):
        candidates.extend(os.path.join(base, f) for f in files)
    for p in candidates:
        try:
            m = os.path.getmtime(p)
        except OSError:
            continue
        if m > newest:
            newest, which = m, p
    return newest, which


def ensure_tongban(args):
    if args.tongban:
        path = os.path.abspath(args.tongban)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise BenchError(f"--tongban {args.tongban}: no executable there")
        say(f"tongban: using {path} as given (not rebuilt)")
        return path
    path = os.path.join(ROOT, ".build", "release", "tongban")
    newest, which = newest_source_mtime()
    if os.path.isfile(path) and os.path.getmtime(path) >= newest:
        say(f"tongban: {os.path.relpath(path, ROOT)} is up to date")
        return path
    reason = ("is not built yet" if not os.path.isfile(path)
              else f"is older than {os.path.relpath(which, ROOT)}")
    if args.no_build:
        raise BenchError(f"{os.path.relpath(path, ROOT)} {reason}; build it with "
                         f"`swift build -c release --product tongban`, or run without --no-build")
    if shutil.which("swift") is None:
        raise BenchError(f"{os.path.relpath(path, ROOT)} {reason}, and no `swift` is on PATH to build it")
    say(f"tongban: {os.path.relpath(path, ROOT)} {reason}: building it with "
        f"`swift build -c release --product tongban` ...")
    rc = subprocess.call(["swift", "build", "-c", "release", "--product", "tongban"], cwd=ROOT)
    if rc != 0 or not os.path.isfile(path):
        raise BenchError(f"`swift build -c release --product tongban` failed (exit {rc})")
    say("tongban: built")
    return path


# ---------------------------------------------------------------------------------------------
# Output check on a sample (not timed)


def parse_ordered(line):
    def ordered(v):
        if isinstance(v, list):
            return [ordered(x) for x in v]
        return v
    return json.loads(line, object_pairs_hook=lambda pairs: [(k, ordered(v)) for k, v in pairs])


def first_difference(a, b, path):
    """Where two parse_ordered values first differ (objects are lists of (name, value) pairs)."""
    def is_obj(v):
        return isinstance(v, list) and all(isinstance(x, tuple) for x in v) and (v or False)
    if is_obj(a) and is_obj(b):
        ka, kb = [k for k, _ in a], [k for k, _ in b]
        if ka != kb:
            if set(ka) != set(kb):
                return (f"{path}: members only in tongban's output: {[k for k in ka if k not in kb]}, "
                        f"only in jq's: {[k for k in kb if k not in ka]}")
            return f"{path}: member order differs: tongban {ka}, jq {kb}"
        for (k, x), (_, y) in zip(a, b):
            if x != y:
                return first_difference(x, y, f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and not is_obj(a) and not is_obj(b):
        if len(a) != len(b):
            return f"{path}: {len(a)} items from tongban, {len(b)} from jq"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    return f"{path}: tongban {json.dumps(a, ensure_ascii=False)[:200]}, jq {json.dumps(b, ensure_ascii=False)[:200]}"


def run_capture(cmd):
    p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def tail(b, n=15):
    lines = b.decode("utf-8", "replace").rstrip().splitlines()
    return "\n".join("    " + l for l in lines[-n:]) or "    (nothing on stderr)"


def check_zaoyang_sample(tongban, sample, k):
    """Hard failures: non-zero exit, or not one JSON object per case. Differences from jq: reported."""
    rc, out, err = run_capture([tongban, "translate", "--partner", "hubei-zaoyang", "--ndjson", sample])
    if rc != 0:
        raise BenchError(f"tongban translate --partner hubei-zaoyang exited {rc} on the first {k} cases:\n"
                         + tail(err))
    lines = out.decode("utf-8", "replace").splitlines()
    lines = [l for l in lines if l.strip()]
    if len(lines) != k:
        raise BenchError(f"tongban translate --partner hubei-zaoyang printed {len(lines)} non-empty lines "
                         f"for {k} cases (expected one JSON object per case); first bytes:\n    "
                         + out[:300].decode("utf-8", "replace"))
    jrc, jout, jerr = run_capture(["jq", "-c", "-f", os.path.join(HERE, "zaoyang.jq"), sample])
    if jrc != 0:
        raise BenchError(f"jq exited {jrc} on the sample:\n" + tail(jerr))
    jlines = jout.decode("utf-8").splitlines()
    differ, first = 0, None
    for i, (a, b) in enumerate(zip(lines, jlines)):
        try:
            ta, jb = parse_ordered(a), parse_ordered(b)
        except ValueError:
            raise BenchError(f"tongban's output line {i + 1} is not JSON: {a[:200]}")
        if ta != jb:
            differ += 1
            if first is None:
                first = (i + 1, first_difference(ta, jb, "$"), a, b)
    if err.strip():
        say(f"  note: tongban wrote {len(err)} bytes to stderr on the sample:\n{tail(err, 5)}")
    if differ:
        say(f"  WARNING: tongban and zaoyang.jq differ on {differ} of {k} cases "
            f"(the jq baseline must do the same mapping for a fair comparison). First, line {first[0]}:")
        say(f"    first difference: {first[1]}")
        say(f"    tongban: {first[2][:2000]}")
        say(f"    jq:      {first[3][:2000]}")
        return f"{differ} of {k} differ"
    say(f"  tongban hubei-zaoyang on the first {k} cases: exit 0, {k} JSON lines, identical to zaoyang.jq "
        f"(members and order)")
    return "identical"


def check_tongbai_sample(tongban, sample, k):
    rc, out, err = run_capture([tongban, "translate", "--partner", "henan-tongbai", "--ndjson", sample])
    if rc != 0:
        raise BenchError(f"tongban translate --partner henan-tongbai exited {rc} on the first {k} cases:\n"
                         + tail(err))
    cases = len(re.findall(rb"</(?:[A-Za-z_][\w.-]*:)?SBXX>", out))
    if cases != k:
        raise BenchError(f"tongban translate --partner henan-tongbai produced {cases} SBXX elements for "
                         f"{k} cases; first bytes:\n    " + out[:300].decode("gb18030", "replace"))
    notes = []
    try:
        out.decode("gb18030")
    except UnicodeDecodeError as e:
        notes.append(f"output does not decode as GB18030 ({e})")
    decls = re.findall(rb"<\?xml[^>]*encoding=[\"']([^\"']+)", out[:4096])
    if not decls or decls[0].upper() != b"GB18030":
        notes.append(f"first XML declaration's encoding is {decls[0].decode() if decls else 'missing'}, "
                     f"not GB18030")
    if "居民".encode("utf-8") in out:
        notes.append("output contains UTF-8 encoded Chinese text")
    if err.strip():
        say(f"  note: tongban wrote {len(err)} bytes to stderr on the sample:\n{tail(err, 5)}")
    for n in notes:
        say(f"  WARNING (henan-tongbai): {n}")
    say(f"  tongban henan-tongbai on the first {k} cases: exit 0, {cases} SBXX elements, "
        f"{len(out) / k:.0f} bytes/case" + ("" if notes else ", GB18030"))
    return "ok" if not notes else "; ".join(notes)


# ---------------------------------------------------------------------------------------------
# Timing


def run_once(name, cmd, cases, r, runs, log_dir):
    err_path = os.path.join(log_dir, f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.run{r}.stderr")
    p = subprocess.run([sys.executable, os.path.join(HERE, "measure.py"), "--stderr", err_path, "--", *cmd],
                       cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise BenchError(f"measure.py failed (exit {p.returncode})")
    m = json.loads(p.stdout.strip().splitlines()[-1])
    if m["rc"] != 0:
        with open(err_path, "rb") as f:
            err = f.read()
        raise BenchError(f"{name}: run {r} exited {m['rc']} {m.get('error', '')}— not timed. "
                         f"stderr ({err_path}):\n" + tail(err))
    size = os.path.getsize(err_path)
    say(f"  {name}, run {r}/{runs}: {m['wall_s']:7.2f} s wall  {m['cpu_s']:7.2f} s cpu  "
        f"{fmt_int(cases / m['wall_s']):>9} cases/s  peak RSS {mib(m['peak_kib']):7.1f} MiB"
        f"{' (' + m['peak_source'] + ')' if m['peak_source'] != 'getrusage' else ''}"
        f"{f'  [stderr: {size} bytes in {err_path}]' if size else ''}")
    return m


def measure_interleaved(specs, runs, log_dir):
    """Runs every measurement once per round, `runs` rounds, so that a slow spell of the machine
    touches all of them alike and the ratios compare peers; reports each one's median."""
    say("")
    for key, name, cmd, cases in specs:
        say(f"{key}: {name}")
        say(f"  $ {' '.join(os.path.relpath(c, ROOT) if os.path.isabs(c) and c.startswith(ROOT) else c for c in cmd)}"
            f" > /dev/null")
    runs_by_key = {key: [] for key, _, _, _ in specs}
    for r in range(1, runs + 1):
        say(f"\nround {r}/{runs}")
        for key, name, cmd, cases in specs:
            runs_by_key[key].append(run_once(name, cmd, cases, r, runs, log_dir))
    res = {}
    say("")
    for key, name, cmd, cases in specs:
        results = runs_by_key[key]
        walls = [m["wall_s"] for m in results]
        med = statistics.median(walls)
        res[key] = {"name": name, "cases": cases, "walls": walls, "median": med, "rate": cases / med,
                    "peak_kib": max(m["peak_kib"] for m in results),
                    "peak_source": ", ".join(sorted({m["peak_source"] for m in results}))}
        say(f"  {name}: median {med:.2f} s, {fmt_int(res[key]['rate'])} cases/s, "
            f"peak RSS {mib(res[key]['peak_kib']):.1f} MiB")
    return res


# ---------------------------------------------------------------------------------------------
# Report


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 2**20:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {cores} cores{mem}, Linux {platform.release()}"


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def tool_version(cmd):
    try:
        p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        return p.stdout.strip().splitlines()[0] if p.stdout.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def verdict(ok):
    return "yes" if ok else "**no**"


def summary(args, res, checks, sizes, tongban):
    n, s = args.cases, args.small
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = [f"### Translation benchmark — {now}, commit `{commit()}`", "",
         f"- Machine: {machine()}",
         f"- Tools: {tool_version(['jq', '--version'])}; tongban "
         + ("not run (--jq-only)" if tongban is None else
            f"`{os.path.relpath(tongban, ROOT) if tongban.startswith(ROOT) else tongban}`"
            + (" (release build)" if tongban.endswith(os.path.join('release', 'tongban')) else "")),
         f"- Input: {fmt_int(n)} canonical cases (seed {args.seed}), NDJSON, "
         f"{sizes['zaoyang'] / 2**20:.1f} MiB (hubei-zaoyang) and {sizes['tongbai'] / 2**20:.1f} MiB "
         f"(henan-tongbai); small set: the first {fmt_int(s)}",
         f"- Each measurement: {args.runs} run{'s' if args.runs > 1 else ''}, interleaved in rounds with the others, output to /dev/null, median wall time; "
         f"peak RSS is the highest of the runs", "",
         "| measurement | cases | runs (s) | median (s) | cases/s | peak RSS (MiB) |",
         "|---|---:|---|---:|---:|---:|"]
    for key in ("jq", "zaoyang", "tongbai", "zaoyang_small", "jq_small"):
        r = res.get(key)
        if r:
            L.append(f"| {r['name']} | {fmt_int(r['cases'])} | {' / '.join(f'{w:.2f}' for w in r['walls'])} "
                     f"| {r['median']:.2f} | {fmt_int(r['rate'])} | {mib(r['peak_kib']):.1f} |")
    L += ["", "| target | measured | met |", "|---|---:|---|"]
    if "zaoyang" in res:
        speedup = res["zaoyang"]["rate"] / res["jq"]["rate"]
        xml = res["zaoyang"]["rate"] / res["tongbai"]["rate"]
        flat = res["zaoyang"]["peak_kib"] / res["zaoyang_small"]["peak_kib"]
        L += [f"| tongban ÷ jq throughput, hubei-zaoyang (≥ {TARGET_SPEEDUP:g}×) | {speedup:.2f}× "
              f"| {verdict(speedup >= TARGET_SPEEDUP)} |",
              f"| JSON path ÷ XML path throughput (≤ {TARGET_XML_FACTOR:g}) | {xml:.2f} "
              f"| {verdict(xml <= TARGET_XML_FACTOR)} |",
              f"| peak RSS {fmt_int(n)} ÷ {fmt_int(s)} cases, hubei-zaoyang (≤ {TARGET_FLATNESS:g}×) | {flat:.2f}× "
              f"| {verdict(flat <= TARGET_FLATNESS)} |",
              f"| tongban output = zaoyang.jq output (first {fmt_int(args.sample)} cases) | {checks['zaoyang']} "
              f"| {verdict(checks['zaoyang'] == 'identical')} |",
              f"| henan-tongbai output is GB18030 XML, one SBXX per case (first {fmt_int(args.sample)}) "
              f"| {checks['tongbai']} | {verdict(checks['tongbai'] == 'ok')} |"]
    else:
        L.append(f"| tongban ÷ jq (≥ {TARGET_SPEEDUP:g}×), JSON ÷ XML (≤ {TARGET_XML_FACTOR:g}), "
                 f"RSS flatness (≤ {TARGET_FLATNESS:g}×) | not measured (--jq-only) | n/a |")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(prog="ops/bench/translate.sh",
                                 description="Benchmark tongban translate against a jq baseline.")
    ap.add_argument("--cases", type=int, default=200_000, help="cases to generate and translate (200000)")
    ap.add_argument("--small", type=int, default=20_000,
                    help="size of the small set for the memory-flatness check (20000; N/10 when N is smaller)")
    ap.add_argument("--runs", type=int, default=5, help="rounds; each runs every measurement once (5); medians are reported")
    ap.add_argument("--seed", type=int, default=gen_cases.DEFAULT_SEED, help="generator seed")
    ap.add_argument("--sample", type=int, default=1000, help="cases in the untimed output check (1000)")
    ap.add_argument("--tongban", metavar="PATH", help="use this tongban binary as is (never builds)")
    ap.add_argument("--no-build", action="store_true",
                    help="fail instead of building when .build/release/tongban is missing or stale")
    ap.add_argument("--jq-only", action="store_true", help="time only the jq baseline (no tongban needed)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="work directory (ops/bench/out)")
    args = ap.parse_args()
    if args.cases < 2 or args.runs < 1 or args.sample < 1:
        ap.error("--cases must be ≥ 2, --runs and --sample ≥ 1")
    if args.small >= args.cases:
        args.small = max(1, args.cases // 10)
    args.sample = min(args.sample, args.cases)
    os.chdir(ROOT)
    if shutil.which("jq") is None:
        raise BenchError("jq is not installed (ops/setup.sh installs it)")

    zy, tb = gen_cases.generate(args.cases, args.out, args.seed)
    small = first_lines(zy, args.small, os.path.join(args.out, f"cases-zaoyang-{args.cases}.first{args.small}.ndjson"))
    log_dir = os.path.join(args.out, "logs")
    os.makedirs(log_dir, exist_ok=True)
    sizes = {"zaoyang": os.path.getsize(zy), "tongbai": os.path.getsize(tb)}

    tongban, checks = None, {}
    if not args.jq_only:
        tongban = ensure_tongban(args)
        say(f"\nOutput check on the first {args.sample} cases (not timed)")
        zs = first_lines(zy, args.sample, os.path.join(args.out, f"cases-zaoyang-{args.cases}.first{args.sample}.ndjson"))
        ts = first_lines(tb, args.sample, os.path.join(args.out, f"cases-tongbai-{args.cases}.first{args.sample}.ndjson"))
        checks["zaoyang"] = check_zaoyang_sample(tongban, zs, args.sample)
        checks["tongbai"] = check_tongbai_sample(tongban, ts, args.sample)

    jq_cmd = ["jq", "-c", "-f", os.path.join(HERE, "zaoyang.jq")]
    n, s = args.cases, args.small
    for path in (zy, tb, small):
        warm(path)
    specs = [("jq", "jq zaoyang.jq, hubei-zaoyang (JSON)", jq_cmd + [zy], n)]
    if tongban:
        specs += [
            ("zaoyang", "tongban, hubei-zaoyang (JSON)", [tongban, "translate", "--partner", "hubei-zaoyang", "--ndjson", zy], n),
            ("tongbai", "tongban, henan-tongbai (XML, GB18030)", [tongban, "translate", "--partner", "henan-tongbai", "--ndjson", tb], n),
            ("zaoyang_small", f"tongban, hubei-zaoyang (JSON), first {fmt_int(s)}",
             [tongban, "translate", "--partner", "hubei-zaoyang", "--ndjson", small], s),
        ]
    specs.append(("jq_small", f"jq zaoyang.jq, hubei-zaoyang (JSON), first {fmt_int(s)}", jq_cmd + [small], s))
    res = measure_interleaved(specs, args.runs, log_dir)

    say("\nResults")
    if tongban:
        speedup = res["zaoyang"]["rate"] / res["jq"]["rate"]
        xml = res["zaoyang"]["rate"] / res["tongbai"]["rate"]
        flat = res["zaoyang"]["peak_kib"] / res["zaoyang_small"]["peak_kib"]
        say(f"  hubei-zaoyang: tongban {fmt_int(res['zaoyang']['rate'])} cases/s, jq {fmt_int(res['jq']['rate'])} "
            f"cases/s: tongban/jq = {speedup:.2f}×   (target ≥ {TARGET_SPEEDUP:g}×: "
            f"{'met' if speedup >= TARGET_SPEEDUP else 'NOT met'})")
        say(f"  henan-tongbai (XML): {fmt_int(res['tongbai']['rate'])} cases/s: JSON/XML = {xml:.2f}   "
            f"(target ≤ {TARGET_XML_FACTOR:g}: {'met' if xml <= TARGET_XML_FACTOR else 'NOT met'})")
        say(f"  peak RSS hubei-zaoyang: {mib(res['zaoyang_small']['peak_kib']):.1f} MiB on {fmt_int(s)} cases, "
            f"{mib(res['zaoyang']['peak_kib']):.1f} MiB on {fmt_int(n)}: {flat:.2f}×   "
            f"(target ≤ {TARGET_FLATNESS:g}×: {'met' if flat <= TARGET_FLATNESS else 'NOT met'})")
        if checks.get("zaoyang") != "identical":
            say(f"  WARNING: tongban's hubei-zaoyang output differs from zaoyang.jq ({checks['zaoyang']}): "
                f"the speed-up compares different mappings")
    else:
        say(f"  jq baseline only (--jq-only): {fmt_int(res['jq']['rate'])} cases/s on {fmt_int(n)} cases; "
            f"tongban needs ≥ {fmt_int(TARGET_SPEEDUP * res['jq']['rate'])} cases/s for the {TARGET_SPEEDUP:g}× target")

    md = summary(args, res, checks, sizes, tongban)
    path = os.path.join(args.out, f"summary-{n}.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(md)
    say(f"\nSummary for docs/performance.md (also in {os.path.relpath(path, ROOT)}):\n")
    say(md)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"\nbench: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
