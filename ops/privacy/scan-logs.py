#!/usr/bin/env python3
"""Proves that no log line of the whole test suite holds a person's data in full.

`ops/test.sh` runs `swift test` with TONGBAN_TEST_LOG_DIR set: every test process then writes
every log line, at trace level, into that folder (TongbanTesting's TestLogCapture), and every
end-to-end test leaves its gateway's and simulator's logs there (run at trace level too). This
script reads them all afterwards and fails, naming file and line, if one holds:

1. anything shaped like a resident ID number whose check character is right (GB 11643: 17 digits
   and a check digit or X), whoever it belongs to: tests generate people this script never sees;
2. anything shaped like a mainland mobile number (11 digits from 13… to 19…);
3. a name (two characters or more), phone or address of a person in the repository's test data:
   the JSON objects that hold an ID number (canonical cases and the three partners' formats, in
   Tests/, contracts/, the simulator's templates and TongbanTesting) and 桐柏's XML parties.

A hit is printed masked (ID number: first 6 and last character; phone: first 3 and last 2; name:
first character; address: first 3 characters), never in full.

Usage: ops/privacy/scan-logs.py LOG_DIR [REPOSITORY]
       ops/privacy/scan-logs.py --self-test    (proves each rule catches what it should)
"""
import os
import re
import sys

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECKS = "10X98765432"
ID_SHAPE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
MOBILE_SHAPE = re.compile(r"(?<![0-9A-Za-z])(1[3-9]\d{9})(?![0-9A-Za-z])")

# Where the test data lives, relative to the repository.
DATA_ROOTS = ["Tests", "contracts", "Sources/TongbanSimulator", "Sources/TongbanTesting"]
DATA_SUFFIXES = (".swift", ".json", ".xml", ".yaml", ".yml", ".py")

PERSON_OBJECT = re.compile(r"\{[^{}]*\"(?:idNumber|applyCardnumber|cardnumber|cert_no)\"[^{}]*\}")
NAME_KEYS = ("name", "applyname")
PHONE_KEYS = ("phone", "telphone", "mobile")
ADDRESS_KEYS = ("address", "addr")
FIELD = re.compile(r"\"(\w+)\"\s*:\s*\"([^\"\\]+)\"")
XML_FIELD = re.compile(r"<(MC|LXDH|DZ)>([^<]+)</\1>")
# Values beside people in the test data that are not personal: the accepting office and its county,
# whose names the logs may carry; and placeholders shorter than any real address.
NOT_PERSONAL = {"随县", "随县政务服务中心"}
SHORTEST_ADDRESS = 4


def valid_id_number(token):
    digits = token[:17]
    total = sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS))
    return ID_CHECKS[total % 11] == token[17].upper()


def read_text(path):
    with open(path, "rb") as handle:
        data = handle.read()
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def mask(kind, value):
    if kind == "ID number":
        return value[:6] + "*" * (len(value) - 7) + value[-1]
    if kind == "phone":
        return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]
    if kind == "name":
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "…"


def known_people(repository):
    """(kind, value) pairs of the people in the repository's test data."""
    found = set()
    for root in DATA_ROOTS:
        for directory, _, files in os.walk(os.path.join(repository, root)):
            for file in files:
                if not file.endswith(DATA_SUFFIXES):
                    continue
                text = read_text(os.path.join(directory, file)).replace('\\"', '"')
                for person in PERSON_OBJECT.finditer(text):
                    for key, value in FIELD.findall(person.group(0)):
                        if key in NAME_KEYS and len(value) >= 2 and "\\(" not in value:
                            found.add(("name", value))
                        elif key in PHONE_KEYS:
                            found.add(("phone", value))
                for key, value in FIELD.findall(text):
                    if key in ADDRESS_KEYS and "\\(" not in value:
                        found.add(("address", value))
                for tag, value in XML_FIELD.findall(text):
                    kind = {"MC": "name", "LXDH": "phone", "DZ": "address"}[tag]
                    if kind != "name" or len(value) >= 2:
                        found.add((kind, value))
    people = set()
    for kind, value in found:
        value = value.strip()
        if not value or value in NOT_PERSONAL or (kind == "address" and len(value) < SHORTEST_ADDRESS):
            continue
        people.add((kind, value))
        if kind == "phone":
            digits = re.sub(r"\D", "", value)
            if len(digits) >= 7:
                people.add(("phone", digits))
    return people


def scan(log_dir, people):
    hits = []
    files = 0
    lines = 0
    for directory, _, names in os.walk(log_dir):
        for name in sorted(names):
            if not name.endswith(".log"):
                continue
            files += 1
            path = os.path.join(directory, name)
            for number, line in enumerate(read_text(path).splitlines(), start=1):
                lines += 1
                found = []
                for token in ID_SHAPE.findall(line):
                    if valid_id_number(token):
                        found.append(("ID number", token))
                for token in MOBILE_SHAPE.findall(line):
                    found.append(("phone", token))
                for kind, value in people:
                    if value in line:
                        found.append((kind, value))
                if found:
                    masked = line
                    for kind, value in sorted(found, key=lambda item: -len(item[1])):
                        masked = masked.replace(value, mask(kind, value))
                    kinds = ", ".join(sorted({kind for kind, _ in found}))
                    hits.append(f"{os.path.relpath(path, log_dir)}:{number}: holds in full a {kinds}:\n    {masked[:400]}")
    return files, lines, hits


def self_test(repository):
    """Each rule fires on a line built to break it, and a clean line passes."""
    import tempfile
    people = known_people(repository)
    name = next(value for kind, value in people if kind == "name" and not value.isascii())
    address = next(value for kind, value in people if kind == "address")
    landline = next(value for kind, value in people if kind == "phone" and value.startswith("0"))
    # A resident ID number no test data holds: 17 digits and the check character they call for.
    digits = "41133019900307213"
    generated = digits + ID_CHECKS[sum(int(d) * w for d, w in zip(digits, ID_WEIGHTS)) % 11]
    broken = {
        "generated ID number": f"debug tongban.gateway : idNumber={generated} case accepted",
        "ID number inside an e-licence number": f"info x : licence=DZZZ-ID-{generated}",
        "mobile": "info x : phone=15997340021 refused",
        "known name": f"info x : applicant={name}",
        "known address": f"info x : address={address}",
        "known landline": f"info x : phone={landline}",
    }
    clean = [
        "debug tongban.gateway : messageID=01a2052e-ddd0-72f7-8225-753b5ceea828 case accepted",
        f"info x : idNumber={generated[:6]}***********{generated[-1]} masked",
        "info x : at=1795370400000 sha256=4290011985031200204290011985031200209f86d081884c7d659a2feaa0c55a",
    ]
    with tempfile.TemporaryDirectory() as directory:
        for index, (rule, line) in enumerate(broken.items()):
            with open(os.path.join(directory, f"broken-{index}.log"), "w") as handle:
                handle.write(line + "\n")
        with open(os.path.join(directory, "clean.log"), "w") as handle:
            handle.write("\n".join(clean) + "\n")
        _, _, hits = scan(directory, people)
    caught = {hit.split(":", 1)[0] for hit in hits}
    missed = [rule for index, rule in enumerate(broken) if f"broken-{index}.log" not in caught]
    if missed or "clean.log" in caught:
        sys.exit(f"scan-logs self-test failed: missed {missed}; clean line flagged: {'clean.log' in caught}\n" + "\n".join(hits))
    print(f"scan-logs self-test: {len(broken)} broken lines caught, {len(clean)} clean lines passed")


def main():
    repository_of_script = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if sys.argv[1:] == ["--self-test"]:
        self_test(repository_of_script)
        return
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    log_dir = sys.argv[1]
    repository = sys.argv[2] if len(sys.argv) == 3 else repository_of_script
    people = known_people(repository)
    kinds = {kind for kind, _ in people}
    if len(people) < 20 or kinds != {"name", "phone", "address"}:
        sys.exit(f"scan-logs: only {len(people)} people's values found in the test data ({sorted(kinds)}): the extraction rules no longer match it")
    files, lines, hits = scan(log_dir, people)
    if files == 0 or lines == 0:
        sys.exit(f"scan-logs: no log lines in {log_dir}: was TONGBAN_TEST_LOG_DIR set for swift test?")
    for hit in hits:
        print(hit)
    print(f"scan-logs: {lines} log lines in {files} files searched for ID numbers, mobile numbers and "
          f"{len(people)} known names, phones and addresses: {len(hits)} lines hold personal data in full")
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
