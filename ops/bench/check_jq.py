#!/usr/bin/env python3
"""Cross-check of ops/bench/zaoyang.jq: an independent Python version of the Zaoyang outbound
mapping, compared member for member (member order included) with the jq output for every case.

  check_jq.py CASES.ndjson [JQ_OUTPUT.ndjson]   # without the second file, runs jq itself

Exit 0 when every line agrees. Python standard library only.
"""
import datetime as dt
import json
import os
import subprocess
import sys

SERVICECODE = {
    "421321RS0310002": "420683-RS-0310-0002", "421321YB0420001": "420683-YB-0420-0001",
    "421321SJ0110007": "420683-SJ-0110-0007", "421321BDC050003": "420683-BDC-0500-0003",
    "421321MZ0210005": "420683-MZ-0210-0005",
}
CARD = {"111": "身份证", "112": "临时身份证", "113": "户口簿", "133": "居住证", "414": "护照",
        "001": "统一社会信用代码", "990": "其他"}
CST = dt.timezone(dt.timedelta(hours=8))


def zaoyang(c):
    a, lim = c["applicant"], c["timeLimit"]
    o = {"projid": c["caseNumber"], "servicecode": SERVICECODE[c["matter"]["code"]],
         "servicename": c["matter"]["name"],
         "projecttype": {"immediate": "即办件", "promised": "承诺件"}[c["matter"]["caseType"]],
         "applyType": {"person": 0, "organization": 1}[a["kind"]], "applyname": a["name"],
         "applyCardtype": CARD[a["idType"]], "applyCardnumber": a["idNumber"]}
    if "phone" in a:
        o["telphone"] = a["phone"]
    if "address" in a:
        o["address"] = a["address"]
    if "agent" in c:
        g = c["agent"]
        o["agent"] = {"name": g["name"], "cardtype": CARD[g["idType"]], "cardnumber": g["idNumber"]}
        if "phone" in g:
            o["agent"]["telphone"] = g["phone"]
    t = dt.datetime.fromisoformat(c["submittedAt"].replace("Z", "+00:00").replace("z", "+00:00"))
    o["receivetime"] = t.astimezone(CST).strftime("%Y%m%d%H%M%S")
    off = c["acceptingOffice"]
    o["receiveDeptName"] = off["name"]
    if "creditCode" in off:
        o["receiveDeptCode"] = off["creditCode"]
    o["areacode"] = off["divisionCode"].ljust(12, "0")
    o["promiseDay"] = -(-lim["value"] // 8) if lim["unit"] == "hour" else lim["value"]
    o["promiseType"] = {"workingDay": 1, "calendarDay": 0, "hour": 1}[lim["unit"]]
    if c.get("materials"):
        o["materials"] = [
            {"name": m["name"], "type": "license", "licenseNo": m["licenseNumber"]} if m["source"] == "eLicense"
            else {"name": m["name"], "type": "file", "sha256": m["sha256"], "size": m["bytes"], "pages": m["pages"]}
            for m in c["materials"]]
    rd = c["resultDelivery"]
    o["deliveryType"] = {"window": "WINDOW", "post": "EMS", "online": "ONLINE"}[rd["method"]]
    if rd["method"] == "post":
        o["postAddress"] = rd["address"]
    memo = ([c["remarks"]] if "remarks" in c else []) + \
           ([f"原承诺时限{lim['value']}小时"] if lim["unit"] == "hour" else [])
    if memo:
        o["memo"] = "；".join(memo)
    return o


def ordered(v):
    """JSON value with object member order kept (lists of pairs), for an order-sensitive compare."""
    if isinstance(v, dict):
        return [(k, ordered(x)) for k, x in v.items()]
    if isinstance(v, list):
        return [ordered(x) for x in v]
    return v


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    cases_path = sys.argv[1]
    if len(sys.argv) == 3:
        out = open(sys.argv[2], encoding="utf-8")
    else:
        jq = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zaoyang.jq")
        proc = subprocess.Popen(["jq", "-c", "-f", jq, cases_path], stdout=subprocess.PIPE, text=True,
                                encoding="utf-8")
        out = proc.stdout
    n = bad = 0
    with open(cases_path, encoding="utf-8") as f:
        for line in f:
            n += 1
            want = zaoyang(json.loads(line))
            got_line = out.readline()
            got = json.loads(got_line) if got_line else None
            if got is None or ordered(got) != ordered(want):
                bad += 1
                if bad <= 3:
                    print(f"line {n}: jq gave\n  {got_line.strip()}\nexpected\n  "
                          f"{json.dumps(want, ensure_ascii=False, separators=(',', ':'))}", file=sys.stderr)
    extra = out.readline()
    if extra:
        bad += 1
        print("jq printed more lines than there are cases", file=sys.stderr)
    print(f"check_jq: {n} cases, {bad} differ", file=sys.stderr)
    return 0 if bad == 0 and n > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
