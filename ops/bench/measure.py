#!/usr/bin/env python3
"""Runs one command once and prints one JSON line: exit code, wall time, CPU time, peak RSS.

  measure.py --stderr FILE [--stdout FILE] -- COMMAND [ARG...]

Run it as a fresh process per measured run, so RUSAGE_CHILDREN covers exactly that one command.
Standard output of the command goes to /dev/null unless --stdout is given.

Peak RSS, two ways:
  rusage_kib  getrusage(RUSAGE_CHILDREN).ru_maxrss after the wait: exact, but never below this
              wrapper's own RSS at the moment it spawned the command (Linux carries the spawning
              process's high-water mark into the child at exec), reported as floor_kib;
  hwm_kib     the command's VmHWM from /proc/PID/status, polled every 5 ms while it runs: not
              floor-bound, may miss growth in the last few milliseconds.
peak_kib is rusage_kib when it is clearly above the floor, else hwm_kib (peak_source says which).
"""
import json
import os
import resource
import subprocess
import sys
import threading
import time


def main():
    args = sys.argv[1:]
    if "--" not in args:
        print(__doc__, file=sys.stderr)
        return 2
    cut = args.index("--")
    opts, cmd = args[:cut], args[cut + 1:]
    stderr_path, stdout_path = os.devnull, os.devnull
    while opts:
        o = opts.pop(0)
        if o == "--stderr":
            stderr_path = opts.pop(0)
        elif o == "--stdout":
            stdout_path = opts.pop(0)
        else:
            print(f"measure.py: unknown option {o}", file=sys.stderr)
            return 2
    if not cmd:
        print("measure.py: no command", file=sys.stderr)
        return 2

    hwm = [0]
    done = threading.Event()

    def poll(pid):
        path = f"/proc/{pid}/status"
        while not done.is_set():
            try:
                with open(path, "rb") as f:
                    for line in f:
                        if line.startswith(b"VmHWM:"):
                            hwm[0] = max(hwm[0], int(line.split()[1]))
                            break
            except (OSError, ValueError):
                pass
            done.wait(0.005)

    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as e:
            print(json.dumps({"rc": 127, "error": str(e), "wall_s": 0.0}))
            return 0
        poller = threading.Thread(target=poll, args=(p.pid,), daemon=True)
        poller.start()
        rc = p.wait()
        wall = time.perf_counter() - t0
        done.set()
        poller.join()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    floor_bound = ru.ru_maxrss <= floor + 512
    peak = hwm[0] if (floor_bound and hwm[0] > 0) else ru.ru_maxrss
    print(json.dumps({
        "rc": rc, "wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime,
        "rusage_kib": ru.ru_maxrss, "hwm_kib": hwm[0], "floor_kib": floor,
        "peak_kib": peak, "peak_source": "proc VmHWM" if (floor_bound and hwm[0] > 0) else "getrusage",
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
