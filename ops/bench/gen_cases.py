#!/usr/bin/env python3
"""Deterministic generator of canonical (local) Tongban cases for the translation benchmark.

Writes two NDJSON files (one canonical case per line) with the same N cases:
  cases-zaoyang-N.ndjson  handlingRegion 420683, 随县 matter codes of the Zaoyang agreement
  cases-tongbai-N.ndjson  the same cases re-targeted to 411330 (Tongbai agreement's matters)
plus cases-N.manifest.json (seed, generator digest, counts). Nothing is written when a manifest
for the same N, seed and generator already exists and both files are present.

Python standard library only. Usage:
  gen_cases.py --cases N [--out DIR] [--seed S] [--force]
  gen_cases.py --verify FILE [--partner hubei-zaoyang|henan-tongbai]   # checks every case
  gen_cases.py --self-test                                             # check-character tests
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys

DEFAULT_SEED = 20261120
GENERATOR_VERSION = 1

# ---------------------------------------------------------------------------------------------
# Identifiers

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # remainder 0..10 -> check character (GB 11643, ISO 7064 MOD 11-2)


def resident_id_check(first17):
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def resident_id_valid(s):
    if len(s) != 18 or not s[:17].isdigit():
        return False
    try:
        dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return resident_id_check(s[:17]) == s[17]


CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: 31 characters, values 0..30
CC_VALUE = {c: i for i, c in enumerate(CC_CHARS)}
CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check(first17):
    r = 31 - sum(CC_VALUE[c] * w for c, w in zip(first17, CC_WEIGHTS)) % 31
    return CC_CHARS[0 if r == 31 else r]


def credit_code_valid(s):
    return len(s) == 18 and all(c in CC_VALUE for c in s) and credit_code_check(s[:17]) == s[17]


# GB 11714 organisation code (characters 9..17 of a credit code): 8 body characters + check.
OC_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body8):
    def val(c):
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10
    r = 11 - sum(val(c) * w for c, w in zip(body8, OC_WEIGHTS)) % 11
    return "0" if r == 11 else ("X" if r == 10 else str(r))


# ---------------------------------------------------------------------------------------------
# Matters

# 随县 code -> (name, default time limit value, unit, share of 'immediate' cases, hour variants)
MATTERS = {
    "421321RS0310002": ("城乡居民基本养老保险关系转移", 15, "workingDay", 0.0, ()),
    "421321YB0420001": ("基本医疗保险关系转移接续", 10, "workingDay", 0.0, ()),
    "421321SJ0110007": ("个体工商户设立登记", 1, "workingDay", 0.35, (8, 12)),
    "421321BDC050003": ("不动产登记资料查询", 4, "hour", 0.6, (2, 8, 24)),
    "421321MZ0210005": ("婚姻登记档案查询", 3, "workingDay", 0.25, (24,)),
    "421321GA0130001": ("户口迁移（迁入）", 5, "workingDay", 0.0, ()),
    "421321GA0120004": ("居民身份证换领", 20, "workingDay", 0.0, ()),
}
ZAOYANG_MATTERS = ["421321RS0310002", "421321YB0420001", "421321SJ0110007",
                   "421321BDC050003", "421321MZ0210005"]
ZAOYANG_WEIGHTS = [30, 25, 15, 18, 12]
TONGBAI_MATTERS = ["421321GA0130001", "421321GA0120004", "421321RS0310002",
                   "421321YB0420001", "421321SJ0110007", "421321BDC050003"]
# Re-targeting: matters of both agreements stay; 婚姻登记档案查询 (not in Tongbai's) becomes a GA matter.
TONGBAI_REPLACEMENT = ("421321GA0130001", "421321GA0120004")
PARTNER_REGION = {"hubei-zaoyang": "420683", "henan-tongbai": "411330"}
PARTNER_MATTERS = {"hubei-zaoyang": set(ZAOYANG_MATTERS), "henan-tongbai": set(TONGBAI_MATTERS)}

OFFICE = {"name": "随县政务服务中心", "divisionCode": "421321", "creditCode": "11421321MB1834560Y"}

# Materials a matter asks for: (name, source, licence kind) — e-licences carry a licence number.
MATTER_MATERIALS = {
    "421321RS0310002": [("居民身份证", "eLicense", "ID"), ("城乡居民养老保险关系转移申请表", "file", None),
                        ("参保缴费凭证", "file", None), ("居民户口簿", "eLicense", "HKB")],
    "421321YB0420001": [("居民身份证", "eLicense", "ID"), ("基本医疗保险参保凭证", "file", None),
                        ("医保关系转移接续申请表", "file", None), ("居民户口簿", "eLicense", "HKB")],
    "421321SJ0110007": [("居民身份证", "eLicense", "ID"), ("个体工商户登记（备案）申请书", "file", None),
                        ("经营场所使用证明", "file", None), ("不动产权证书", "eLicense", "BDC")],
    "421321BDC050003": [("居民身份证", "eLicense", "ID"), ("不动产登记资料查询申请书", "file", None),
                        ("不动产权证书", "eLicense", "BDC"), ("利害关系证明材料", "file", None)],
    "421321MZ0210005": [("居民身份证", "eLicense", "ID"), ("结婚证", "eLicense", "JHZ"),
                        ("婚姻登记档案查询申请表", "file", None), ("居民户口簿", "eLicense", "HKB")],
    "421321GA0130001": [("居民身份证", "eLicense", "ID"), ("居民户口簿", "eLicense", "HKB"),
                        ("准予迁入证明", "file", None), ("户口迁移申请表", "file", None)],
    "421321GA0120004": [("居民身份证", "eLicense", "ID"), ("居民户口簿", "eLicense", "HKB"),
                        ("居民身份证申领登记表", "file", None), ("数码相片采集回执", "file", None)],
}
ORG_MATERIALS = [("营业执照", "eLicense", "YYZZ"), ("法定代表人身份证明书", "file", None),
                 ("单位介绍信", "file", None)]
AGENT_MATERIALS = [("授权委托书", "file", None), ("代理人居民身份证", "eLicense", "AGENTID")]

# ---------------------------------------------------------------------------------------------
# Names, places, text

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
            "龚邵万钱严覃武戴莫孔向汤")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫")
GIVEN = ("建国华明伟芳秀英敏静丽强磊军洋勇艳杰娟涛超霞平刚桂兰玉梅红海波辉鹏斌宇浩凯婷雪琳晨欣子怡佳俊"
         "文志春燕小云飞丹萍林鑫颖玲晓亮成旭峰思雨诗梓轩博宏德福荣昌贵珍凤翠金银永长庆新利清")

# county, with its towns and streets; (address prefix, towns, streets, division codes for IDs)
PLACES = [
    ("湖北省随州市随县", ["厉山镇", "高城镇", "殷店镇", "草店镇", "小林镇", "淮河镇", "万和镇", "尚市镇",
                      "唐县镇", "吴山镇", "新街镇", "安居镇", "环潭镇", "洪山镇", "长岗镇", "三里岗镇",
                      "柳林镇", "均川镇"],
     ["神农大道", "烈山大道", "炎帝大道", "解放路", "人民路", "建设路", "新华街", "中心街", "朝阳路", "沿河路"]),
    ("湖北省随州市曾都区", ["西城街道", "东城街道", "南郊街道", "北郊街道", "何店镇", "洛阳镇", "府河镇"],
     ["编钟大道", "舜井大道", "汉东路", "烈山大道", "青年路", "文峰大道", "白云大道"]),
    ("湖北省襄阳市枣阳市", ["北城街道", "南城街道", "环城街道", "琚湾镇", "七方镇", "杨垱镇", "太平镇",
                        "新市镇", "鹿头镇", "刘升镇", "兴隆镇", "王城镇", "吴店镇", "熊集镇", "平林镇"],
     ["光武大道", "民主路", "书院街", "中兴大道", "人民路", "前进路", "青年路"]),
    ("河南省南阳市桐柏县", ["城关镇", "淮源镇", "月河镇", "吴城镇", "固县镇", "毛集镇", "大河镇", "埠江镇",
                        "平氏镇", "程湾镇", "新集乡", "黄岗镇"],
     ["淮源大道", "大同路", "桐柏山路", "新华街", "淮河路", "建设路"]),
    ("湖北省武汉市洪山区", ["珞南街道", "关山街道", "狮子山街道", "张家湾街道", "青菱街道"],
     ["珞喻路", "雄楚大道", "民族大道", "关山大道", "南湖大道", "书城路"]),
]
PLACE_WEIGHTS = [55, 12, 13, 10, 10]
ESTATES = ("阳光花园", "金色家园", "碧桂园", "神农小区", "汉东名城", "锦绣华庭", "滨河苑", "幸福里",
           "东方明珠", "凤凰城", "龙湖湾", "翰林府")
VILLAGE_SYL = "大小新老东西南北前后上下王李张刘陈杨黄赵周吴高马胡桥河湾岗坪店冲畈庙寨沟"

# Division codes used as ID prefixes, with the first year each was in force (0: before the list).
# A code is only given to people born in or after that year, so the prefix is right under any reading.
ID_PREFIXES = [("429001", 0, 40), ("421321", 2009, 30), ("420683", 1989, 25), ("411330", 1994, 10),
               ("421303", 2009, 6), ("420111", 1983, 4), ("420106", 1983, 3), ("411303", 1994, 2),
               ("422822", 0, 1)]

ORG_PLACES = ("随县", "随州市", "随县厉山镇", "随县殷店镇", "随县万和镇", "随县高城镇", "湖北", "枣阳市")
ORG_TRADE_NAMES = ("鑫源", "华安", "恒通", "裕丰", "金穗", "神农", "炎帝", "编钟", "汉东", "明珠", "东方",
                   "宏达", "兴旺", "福临", "盛世", "天润", "绿源", "百顺", "聚福", "山水", "大洪山", "曾侯")
ORG_KINDS = [  # (industry + form, registering authority, organisation kind)
    ("农业专业合作社", "9", "3"), ("香菇种植专业合作社", "9", "3"), ("建材有限公司", "9", "1"),
    ("商贸有限公司", "9", "1"), ("物流有限公司", "9", "1"), ("餐饮管理有限公司", "9", "1"),
    ("科技有限公司", "9", "1"), ("食品有限公司", "9", "1"), ("茶业有限公司", "9", "1"),
    ("建筑工程有限公司", "9", "1"), ("劳务有限公司", "9", "1"), ("机械制造股份有限公司", "9", "1"),
    ("老年人协会", "5", "1"), ("社会工作服务中心", "5", "2"),
]
PUBLIC_BODIES = ("第一中学", "人民医院", "中医医院", "社会保险事业管理局", "不动产登记中心", "自然资源和规划局")
ORG_CODE_DIVISIONS = ("421321", "429001", "421300", "421303", "420683")

REMARKS = (
    "材料原件已在窗口核验", "申请人为外出务工人员，办结后请电话通知", "代理人持授权委托书办理",
    "申请人行动不便，请优先办理", "跨省通办专窗受理", "申请人要求结果邮寄至现居住地",
    "已告知申请人办理进度查询方式", "申请人联系电话无法接通时请联系代理人", "户籍地与居住地不一致",
    "按“最多跑一次”要求办理", "申请人已签署告知承诺书", "复印件已加盖窗口核验章",
    "申请人备注：\"加急\"，已告知时限", "材料清单<2份>&复印件各1份", "申请人系残疾人，已开通绿色通道",
)
LONG_REMARK = ("申请人反映其在原参保地已连续缴费多年，因工作调动需转移关系，窗口已核对缴费明细并"
               "告知后续办理流程，请办理地收到后及时审核，如需补充材料请通过系统退回并注明所缺材料名称，"
               "窗口将第一时间联系申请人补正。")

# Working days of 2026 (weekdays, less holidays, plus make-up Saturdays/Sundays), from the State
# Council notice as listed in shared/data/cn-holidays-2026.tsv.
HOLIDAYS_2026_OFF = {
    "2026-01-01", "2026-01-02", "2026-01-03", "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18",
    "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23", "2026-04-04", "2026-04-05",
    "2026-04-06", "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05", "2026-06-19",
    "2026-06-20", "2026-06-21", "2026-09-25", "2026-09-26", "2026-09-27", "2026-10-01", "2026-10-02",
    "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
}
WORK_2026_MAKEUP = {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 4), dt.date(2026, 11, 20)
CST = dt.timezone(dt.timedelta(hours=8))


def working_days():
    days, d = [], FIRST_DAY
    while d <= LAST_DAY:
        iso = d.isoformat()
        if (d.weekday() < 5 and iso not in HOLIDAYS_2026_OFF) or iso in WORK_2026_MAKEUP:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


# ---------------------------------------------------------------------------------------------
# Generator


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.seed = seed

    # people and organisations ------------------------------------------------------------
    def person_name(self):
        r = self.rng
        s = r.choice(COMPOUND_SURNAMES) if r.random() < 0.01 else r.choice(SURNAMES)
        return s + "".join(r.choice(GIVEN) for _ in range(1 if r.random() < 0.35 else 2))

    def resident_id(self, min_age, max_age, ref):
        r = self.rng
        born = ref - dt.timedelta(days=r.randint(min_age * 365 + 5, max_age * 365 + 360))
        pick = [(c, w) for c, since, w in ID_PREFIXES if since <= born.year]
        prefix = r.choices([c for c, _ in pick], [w for _, w in pick])[0]
        body = f"{prefix}{born:%Y%m%d}{r.randint(1, 999):03d}"
        return body + resident_id_check(body)

    def passport(self):
        r = self.rng
        return r.choice("EEEG") + f"{r.randint(0, 99999999):08d}"

    def credit_code(self, authority, kind, division):
        r = self.rng
        if r.random() < 0.6:  # codes issued since 2015 start with MA
            body = "MA" + r.choice("46") + "".join(r.choice(CC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY")
                                                   for _ in range(5))
        else:
            body = f"{r.randint(10000000, 79999999)}"
        first17 = authority + kind + division + body + org_code_check(body)
        return first17 + credit_code_check(first17)

    def mobile(self):
        r = self.rng
        return r.choice(("13", "15", "17", "18", "19", "13", "15", "18")) + f"{r.randint(0, 999999999):09d}"

    def landline(self):
        return "0722" + f"{self.rng.randint(3000000, 8999999)}"

    def address(self):
        r = self.rng
        prefix, towns, streets = r.choices(PLACES, PLACE_WEIGHTS)[0]
        town = r.choice(towns)
        x = r.random()
        if x < 0.35:
            return f"{prefix}{town}{r.choice(streets)}{r.randint(1, 388)}号"
        if x < 0.65:
            village = r.choice(VILLAGE_SYL) + r.choice(VILLAGE_SYL) + r.choice(("村", "村", "社区"))
            return f"{prefix}{town}{village}{r.randint(1, 12)}组{r.randint(1, 99)}号"
        return (f"{prefix}{town}{r.choice(streets)}{r.randint(1, 388)}号{r.choice(ESTATES)}"
                f"{r.randint(1, 32)}栋{r.randint(1, 4)}单元{r.randint(1, 28)}{r.randint(1, 4):02d}室")

    def person(self, ref, minor=False):
        r = self.rng
        x = r.random()
        p = {"kind": "person", "name": self.person_name()}
        if minor:
            p["idType"], p["idNumber"] = "111", self.resident_id(14, 16, ref)
        elif x < 0.86:
            p["idType"], p["idNumber"] = "111", self.resident_id(18, 85, ref)
        elif x < 0.94:
            p["idType"], p["idNumber"] = "112", self.resident_id(18, 70, ref)
        else:
            p["idType"], p["idNumber"] = "414", self.passport()
        if r.random() < 0.92:
            p["phone"] = self.mobile()
        if r.random() < 0.85:
            p["address"] = self.address()
        return p

    def organisation(self):
        r = self.rng
        if r.random() < 0.12:
            name = "随县" + r.choice(PUBLIC_BODIES)
            code = self.credit_code("1", "2", "421321")
        else:
            industry, authority, kind = r.choice(ORG_KINDS)
            name = r.choice(ORG_PLACES) + r.choice(ORG_TRADE_NAMES) + industry
            code = self.credit_code(authority, kind, r.choice(ORG_CODE_DIVISIONS))
        o = {"kind": "organization", "name": name, "idType": "001", "idNumber": code}
        if r.random() < 0.9:
            o["phone"] = self.landline() if r.random() < 0.5 else self.mobile()
        if r.random() < 0.9:
            o["address"] = self.address()
        return o

    # the case -------------------------------------------------------------------------------
    def base(self, i, day, seq, seq_digits):
        """Everything that does not depend on the matter; the matter slot is Zaoyang's."""
        r = self.rng
        matter = r.choices(ZAOYANG_MATTERS, ZAOYANG_WEIGHTS)[0]
        if r.random() < 0.05:  # self-service terminal / online submission: any hour
            secs = r.randint(0, 86399)
        elif r.random() < 0.5:
            secs = r.randint(8 * 3600 + 1800, 12 * 3600)
        else:
            secs = r.randint(14 * 3600 + 1800, 17 * 3600 + 1800)
        local = dt.datetime(day.year, day.month, day.day, tzinfo=CST) + dt.timedelta(seconds=secs)
        if r.random() < 0.8:
            submitted = local.strftime("%Y-%m-%dT%H:%M:%S+08:00")
        else:
            submitted = local.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        ref = day
        minor = False
        if matter != "421321SJ0110007" and r.random() < 0.18:
            applicant = self.organisation()
        else:
            minor = matter == "421321YB0420001" and r.random() < 0.15  # a parent acts for a child
            applicant = self.person(ref, minor=minor)
        has_agent = minor or r.random() < (0.7 if applicant["kind"] == "organization" else 0.12)
        agent = None
        if has_agent:
            agent = {"kind": "person", "name": self.person_name(), "idType": "111",
                     "idNumber": self.resident_id(20, 70, ref)}
            if r.random() < 0.95:
                agent["phone"] = self.mobile()
            if r.random() < 0.4:
                agent["address"] = self.address()
        x = r.random()
        if x < 0.5:
            delivery = {"method": "window"}
        elif x < 0.78:
            delivery = {"method": "post",
                        "address": applicant.get("address") if "address" in applicant and r.random() < 0.6
                        else self.address()}
        else:
            delivery = {"method": "online"}
        remarks = None
        x = r.random()
        if x < 0.005:
            remarks = LONG_REMARK * r.randint(1, 4)
        elif x < 0.22:
            remarks = "；".join(r.sample(REMARKS, r.choice((1, 1, 1, 2, 3))))
        return {
            "i": i, "matter": matter,
            "caseNumber": f"SX{day:%Y%m%d}{seq:0{seq_digits}d}",
            "submittedAt": submitted, "applicant": applicant, "agent": agent,
            "delivery": delivery, "remarks": remarks,
            "limitDraw": r.random(), "typeDraw": r.random(), "hourDraw": r.random(),
        }

    def render(self, b, matter, region):
        """The canonical case for one partner: matter-dependent parts drawn from a per-case RNG,
        so a matter that both agreements share gets identical materials in both files."""
        name, value, unit, immediate_share, hour_variants = MATTERS[matter]
        mr = random.Random(f"{self.seed}/{b['i']}/{matter}")
        if unit == "workingDay":
            if hour_variants and b["limitDraw"] < 0.12:
                value, unit = hour_variants[int(b["hourDraw"] * len(hour_variants))], "hour"
            elif b["limitDraw"] > 0.86:
                value, unit = (value * 7 + 4) // 5, "calendarDay"
        elif unit == "hour" and b["limitDraw"] < 0.25:
            value = hour_variants[int(b["hourDraw"] * len(hour_variants))]
        case = {
            "caseNumber": b["caseNumber"],
            "version": 1,
            "matter": {"code": matter, "name": name,
                       "caseType": "immediate" if b["typeDraw"] < immediate_share else "promised"},
            "timeLimit": {"value": value, "unit": unit},
            "applicant": b["applicant"],
        }
        if b["agent"] is not None:
            case["agent"] = b["agent"]
        case["submittedAt"] = b["submittedAt"]
        case["acceptingOffice"] = OFFICE
        case["handlingRegion"] = region
        k = mr.choices((0, 1, 2, 3, 4), (10, 20, 30, 25, 15))[0]
        if k:
            pool = list(MATTER_MATERIALS[matter])
            if b["applicant"]["kind"] == "organization":
                pool = ORG_MATERIALS[:1] + pool[1:] + ORG_MATERIALS[1:]
            if b["agent"] is not None:
                pool += AGENT_MATERIALS
            mats = []
            for idx, (mname, source, kind) in enumerate(mr.sample(pool, min(k, len(pool)))):
                if source == "eLicense":
                    mats.append({"name": mname, "source": "eLicense",
                                 "licenseNumber": self.licence_number(kind, b, mr)})
                else:
                    digest = hashlib.sha256(f"{b['caseNumber']}/{idx}/{mname}".encode()).hexdigest()
                    pages = mr.choice((1, 1, 1, 2, 2, 3, 4, 6, 8, 12))
                    mats.append({"name": mname, "source": "file", "sha256": digest,
                                 "bytes": int(pages * mr.uniform(40_000, 900_000)), "pages": pages})
            case["materials"] = mats
        case["resultDelivery"] = b["delivery"]
        if b["remarks"] is not None:
            case["remarks"] = b["remarks"]
        return case

    @staticmethod
    def licence_number(kind, b, mr):
        a = b["applicant"]
        if kind == "ID":
            idn = a["idNumber"] if a["kind"] == "person" else (b["agent"] or {}).get("idNumber")
            return f"DZZZ-ID-{idn}" if idn else f"DZZZ-ID-{mr.randint(10**9, 10**10 - 1)}"
        if kind == "AGENTID":
            return f"DZZZ-ID-{b['agent']['idNumber']}"
        if kind == "YYZZ":
            return f"DZZZ-YYZZ-{a['idNumber']}"
        if kind == "BDC":
            return f"鄂({mr.randint(2016, 2026)})随县不动产权第{mr.randint(1, 99999):07d}号"
        if kind == "HKB":
            return f"DZZZ-HKB-421321{mr.randint(0, 10**9 - 1):09d}"
        if kind == "JHZ":
            return f"J421321-{mr.randint(2000, 2026)}-{mr.randint(1, 99999):06d}"
        return f"DZZZ-{kind}-{mr.randint(0, 10**12):012d}"


def generator_digest():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def generate(n, out_dir, seed, force=False, quiet=False):
    os.makedirs(out_dir, exist_ok=True)
    zy = os.path.join(out_dir, f"cases-zaoyang-{n}.ndjson")
    tb = os.path.join(out_dir, f"cases-tongbai-{n}.ndjson")
    manifest_path = os.path.join(out_dir, f"cases-{n}.manifest.json")
    want = {"cases": n, "seed": seed, "generator": generator_digest(), "version": GENERATOR_VERSION}
    if not force and os.path.exists(zy) and os.path.exists(tb) and os.path.exists(manifest_path):
        try:
            with open(manifest_path, encoding="utf-8") as f:
                have = json.load(f)
            if all(have.get(k) == v for k, v in want.items()):
                if not quiet:
                    print(f"cases: reusing {zy} and {tb} (seed {seed})", file=sys.stderr)
                return zy, tb
        except (OSError, ValueError):
            pass
    if not quiet:
        print(f"cases: generating {n} cases (seed {seed}) into {out_dir} ...", file=sys.stderr)
    days = working_days()
    per_day = -(-n // len(days))
    seq_digits = max(5, len(str(per_day)))
    g = Gen(seed)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    counts = {}
    tmp_zy, tmp_tb = zy + ".tmp", tb + ".tmp"
    with open(tmp_zy, "w", encoding="utf-8", newline="\n") as fz, \
            open(tmp_tb, "w", encoding="utf-8", newline="\n") as ft:
        for i in range(n):
            d = i * len(days) // n
            day_start = -(-d * n // len(days))  # first i of day d
            b = g.base(i, days[d], i - day_start + 1, seq_digits)
            fz.write(dumps(g.render(b, b["matter"], "420683")))
            fz.write("\n")
            tmatter = b["matter"]
            if tmatter not in PARTNER_MATTERS["henan-tongbai"]:
                tmatter = TONGBAI_REPLACEMENT[i % 2]
            ft.write(dumps(g.render(b, tmatter, "411330")))
            ft.write("\n")
            counts[b["matter"]] = counts.get(b["matter"], 0) + 1
    os.replace(tmp_zy, zy)
    os.replace(tmp_tb, tb)
    want["matters"] = counts
    want["files"] = [os.path.basename(zy), os.path.basename(tb)]
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(want, f, ensure_ascii=False, indent=1)
    if not quiet:
        print(f"cases: wrote {zy} ({os.path.getsize(zy) / 2**20:.1f} MiB) and {tb} "
              f"({os.path.getsize(tb) / 2**20:.1f} MiB)", file=sys.stderr)
    return zy, tb


# ---------------------------------------------------------------------------------------------
# Verification of generated files (independent checks of the canonical-case rules)

RFC3339 = None


def verify_case(c, region, matters):
    import re
    global RFC3339
    if RFC3339 is None:
        RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
    errs = []

    def need(cond, msg):
        if not cond:
            errs.append(msg)

    need(isinstance(c.get("caseNumber"), str) and 1 <= len(c["caseNumber"]) <= 50, "caseNumber")
    need(c.get("version") == 1, "version")
    m = c.get("matter", {})
    need(m.get("code") in matters and m.get("name") == MATTERS.get(m.get("code"), ("",))[0], "matter")
    need(m.get("caseType") in ("immediate", "promised"), "caseType")
    tl = c.get("timeLimit", {})
    need(isinstance(tl.get("value"), int) and tl["value"] >= 1, "timeLimit.value")
    need(tl.get("unit") in ("workingDay", "calendarDay", "hour"), "timeLimit.unit")
    for role in ("applicant", "agent"):
        p = c.get(role)
        if p is None:
            need(role == "agent", "applicant missing")
            continue
        need(p.get("kind") in (("person", "organization") if role == "applicant" else ("person",)),
             f"{role}.kind")
        need(isinstance(p.get("name"), str) and 1 <= len(p["name"]) <= 200, f"{role}.name")
        t, n = p.get("idType"), p.get("idNumber", "")
        need(t in ("111", "112", "113", "133", "414", "001", "990"), f"{role}.idType")
        if t in ("111", "112", "113"):
            need(resident_id_valid(n), f"{role}.idNumber resident ID {n}")
        elif t == "001":
            need(credit_code_valid(n) and org_code_check(n[8:16]) == n[16] and p["kind"] == "organization",
                 f"{role}.idNumber credit code {n}")
        elif t == "414":
            need(re.fullmatch(r"[EG]\d{8}", n) is not None, f"{role}.idNumber passport {n}")
        if p.get("kind") == "organization":
            need(t == "001", f"{role} organisation idType")
        if "phone" in p:
            need(p["phone"].isdigit() and 7 <= len(p["phone"]) <= 20, f"{role}.phone")
        if "address" in p:
            need(1 <= len(p["address"]) <= 200, f"{role}.address")
        need(set(p) <= {"kind", "name", "idType", "idNumber", "phone", "address"}, f"{role} members")
    s = c.get("submittedAt", "")
    need(RFC3339.match(s) is not None, "submittedAt format")
    try:
        dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        errs.append("submittedAt value")
    need(c.get("acceptingOffice") == OFFICE and credit_code_valid(OFFICE["creditCode"]), "acceptingOffice")
    need(c.get("handlingRegion") == region, "handlingRegion")
    if "materials" in c:
        mats = c["materials"]
        need(isinstance(mats, list) and 1 <= len(mats) <= 4, "materials count")
        for mt in mats:
            if mt.get("source") == "eLicense":
                need(set(mt) == {"name", "source", "licenseNumber"} and 1 <= len(mt["licenseNumber"]) <= 50,
                     "eLicense material")
            else:
                need(mt.get("source") == "file" and set(mt) == {"name", "source", "sha256", "bytes", "pages"}
                     and re.fullmatch(r"[0-9a-f]{64}", mt["sha256"]) is not None
                     and isinstance(mt["bytes"], int) and mt["bytes"] >= 0
                     and isinstance(mt["pages"], int) and mt["pages"] >= 1, "file material")
    rd = c.get("resultDelivery", {})
    need(rd.get("method") in ("window", "post", "online"), "resultDelivery.method")
    if rd.get("method") == "post":
        need(isinstance(rd.get("address"), str) and 1 <= len(rd["address"]) <= 200, "post address")
    if "remarks" in c:
        extra = len(f"；原承诺时限{tl.get('value')}小时") if tl.get("unit") == "hour" else 0
        need(1 <= len(c["remarks"]) and len(c["remarks"]) + extra <= 1000, "remarks length")
    need(set(c) <= {"caseNumber", "version", "matter", "timeLimit", "applicant", "agent", "submittedAt",
                    "acceptingOffice", "handlingRegion", "materials", "resultDelivery", "remarks"},
         "top-level members")
    return errs


def verify_file(path, partner):
    region, matters = PARTNER_REGION[partner], PARTNER_MATTERS[partner]
    seen, bad, n = set(), 0, 0
    stats = {}

    def bump(k):
        stats[k] = stats.get(k, 0) + 1

    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            n += 1
            c = json.loads(line)
            errs = verify_case(c, region, matters)
            if c["caseNumber"] in seen:
                errs.append("duplicate caseNumber")
            seen.add(c["caseNumber"])
            if errs:
                bad += 1
                if bad <= 10:
                    print(f"{path}:{line_no}: {c.get('caseNumber')}: {'; '.join(errs)}", file=sys.stderr)
            bump("matter " + c["matter"]["code"])
            bump("caseType " + c["matter"]["caseType"])
            bump("unit " + c["timeLimit"]["unit"])
            bump("applicant " + c["applicant"]["kind"] + " " + c["applicant"]["idType"])
            bump("agent " + ("yes" if "agent" in c else "no"))
            bump("materials " + str(len(c.get("materials", []))))
            for mt in c.get("materials", []):
                bump("material " + mt["source"])
            bump("delivery " + c["resultDelivery"]["method"])
            bump("remarks " + ("yes" if "remarks" in c else "no"))
            bump("offset " + ("Z" if c["submittedAt"].endswith("Z") else c["submittedAt"][19:]))
    print(f"{path}: {n} cases, {bad} invalid", file=sys.stderr)
    for k in sorted(stats):
        print(f"  {k:40s} {stats[k]:8d}  {100 * stats[k] / max(n, 1):5.1f}%", file=sys.stderr)
    return bad == 0 and n > 0


def self_test():
    ok = True
    # Known-valid resident IDs (the partner samples and GB 11643's own example) and credit codes.
    for s in ("429001196609301218", "429001198503120020", "11010519491231002X"):
        ok &= resident_id_valid(s)
    ok &= not resident_id_valid("429001196609301219")
    for s in ("11421321MB1834560Y", "91350100M000100Y43"):
        ok &= credit_code_valid(s)
    ok &= not credit_code_valid("11421321MB1834560X")
    ok &= org_code_check("M000100Y") == "4"  # GB 11714 part of 91350100M000100Y43
    g = Gen(1)
    for _ in range(2000):
        ok &= resident_id_valid(g.resident_id(18, 85, dt.date(2026, 11, 20)))
        cc = g.credit_code("9", "1", "421321")
        ok &= credit_code_valid(cc) and org_code_check(cc[8:16]) == cc[16]
    print("self-test:", "ok" if ok else "FAILED", file=sys.stderr)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--force", action="store_true", help="regenerate even if the files exist")
    ap.add_argument("--verify", metavar="FILE")
    ap.add_argument("--partner", default="hubei-zaoyang", choices=sorted(PARTNER_REGION))
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return 0 if self_test() else 1
    if a.verify:
        return 0 if verify_file(a.verify, a.partner) else 1
    if a.cases < 1:
        ap.error("--cases must be at least 1")
    zy, tb = generate(a.cases, a.out, a.seed, a.force)
    print(zy)
    print(tb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
