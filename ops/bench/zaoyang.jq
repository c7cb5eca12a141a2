# Baseline for ops/bench/translate.sh: the Zaoyang (枣阳市 APAS v1) outbound mapping written in jq,
# member for member and in the same member order as Tongban's, so the timing comparison is fair.
# Input: canonical local cases, one per line (NDJSON). Run: jq -c -f ops/bench/zaoyang.jq FILE
# Absent optionals are omitted (never null). An unknown code is an error (jq then exits 5).

# 随县 matter code -> Zaoyang servicecode (the sample matters of the agreement).
def servicecode:
  if   . == "421321RS0310002" then "420683-RS-0310-0002"
  elif . == "421321YB0420001" then "420683-YB-0420-0001"
  elif . == "421321SJ0110007" then "420683-SJ-0110-0007"
  elif . == "421321BDC050003" then "420683-BDC-0500-0003"
  elif . == "421321MZ0210005" then "420683-MZ-0210-0005"
  else error("matter \(.) is not in the Zaoyang agreement") end;

# GA/T 2000.156 identity document code -> Zaoyang's Chinese label.
def cardtype:
  if   . == "111" then "身份证"
  elif . == "112" then "临时身份证"
  elif . == "113" then "户口簿"
  elif . == "133" then "居住证"
  elif . == "414" then "护照"
  elif . == "001" then "统一社会信用代码"
  elif . == "990" then "其他"
  else error("unknown idType \(.)") end;

# RFC 3339 date-time with any offset -> yyyyMMddHHmmss in China Standard Time (UTC+08:00).
# Fractional seconds are dropped. +08:00 needs no arithmetic.
def cst:
  if endswith("+08:00") then .[0:4] + .[5:7] + .[8:10] + .[11:13] + .[14:16] + .[17:19]
  else
    (if endswith("Z") or endswith("z") then 0
     else .[-6:] as $o
       | (($o[1:3] | tonumber) * 3600 + ($o[4:6] | tonumber) * 60) * (if $o[0:1] == "-" then -1 else 1 end)
     end) as $offset
    | .[0:19] | strptime("%Y-%m-%dT%H:%M:%S") | mktime
    | . - $offset + 28800 | gmtime | strftime("%Y%m%d%H%M%S")
  end;

.timeLimit as $limit
| .applicant as $a
| {
    projid: .caseNumber,
    servicecode: (.matter.code | servicecode),
    servicename: .matter.name,
    projecttype: (.matter.caseType
                  | if . == "immediate" then "即办件" elif . == "promised" then "承诺件"
                    else error("unknown caseType \(.)") end),
    applyType: ($a.kind | if . == "person" then 0 elif . == "organization" then 1
                          else error("unknown applicant kind \(.)") end),
    applyname: $a.name,
    applyCardtype: ($a.idType | cardtype),
    applyCardnumber: $a.idNumber
  }
+ (if $a.phone != null then {telphone: $a.phone} else {} end)
+ (if $a.address != null then {address: $a.address} else {} end)
+ (if .agent != null then
     {agent: (.agent
              | {name, cardtype: (.idType | cardtype), cardnumber: .idNumber}
                + (if .phone != null then {telphone: .phone} else {} end))}
   else {} end)
+ {
    receivetime: (.submittedAt | cst),
    receiveDeptName: .acceptingOffice.name
  }
+ (if .acceptingOffice.creditCode != null then {receiveDeptCode: .acceptingOffice.creditCode} else {} end)
+ {
    areacode: ((.acceptingOffice.divisionCode + "000000000000")[0:12]),
    promiseDay: (if $limit.unit == "hour" then ($limit.value / 8 | ceil) else $limit.value end),
    promiseType: ($limit.unit
                  | if . == "workingDay" or . == "hour" then 1 elif . == "calendarDay" then 0
                    else error("unknown time unit \(.)") end)
  }
+ (if (.materials | length) > 0 then
     {materials: [.materials[]
                  | if .source == "eLicense" then {name, type: "license", licenseNo: .licenseNumber}
                    elif .source == "file" then {name, type: "file", sha256, size: .bytes, pages}
                    else error("unknown material source \(.source)") end]}
   else {} end)
+ {
    deliveryType: (.resultDelivery.method
                   | if . == "window" then "WINDOW" elif . == "post" then "EMS" elif . == "online" then "ONLINE"
                     else error("unknown delivery method \(.)") end)
  }
+ (if .resultDelivery.method == "post" then {postAddress: .resultDelivery.address} else {} end)
+ ([(.remarks // empty), (if $limit.unit == "hour" then "原承诺时限\($limit.value)小时" else empty end)]
   | if length > 0 then {memo: join("；")} else {} end)
