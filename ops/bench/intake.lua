-- wrk script for the gateway benchmark (ops/bench/gateway.sh): POST /v1/cases with realistic
-- canonical cases, each with a case number no other request of the run uses.
--
--   wrk -t2 -c64 -d15s --latency -s ops/bench/intake.lua URL -- TEMPLATES TAG API_KEY [PER_THREAD]
--
-- TEMPLATES: a file of canonical cases, one JSON object per line, whose caseNumber value is the
--   placeholder @CASE@ (gateway.py writes it from gen_cases.py's Tongbai cases). Requests cycle
--   through the lines, so the bodies vary like a window's real traffic (~1 KB each).
-- TAG: makes the case numbers of this wrk run unique: SX<TAG>T<thread>N<counter>, the counter
--   zero-padded to 8 digits. Like a window's own numbers (SX2026112000002: a prefix, then a
--   sequence), each thread's numbers grow: every new case lands at the end of the case-number
--   indexes, as in production. Unpadded counters (N9, N10, N100) sort out of sequence and
--   scattered the inserts over those indexes, a cost real windows do not cause.
-- PER_THREAD: optional; each thread stops after this many requests (used to top up the backlog;
--   a few more may be answered, those already on the wire).
--
-- Every answer must be 202 Accepted (the case is durably committed): any other status is
-- counted per status code, and the first few bodies are printed. `done` prints one line
-- `WRK-RESULT {json}` with the request count, duration, latency percentiles (µs) and errors.
-- Per-thread state lives in globals (bad, statuses, samples, counter): done() reads them with
-- thread:get.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local path, tag, key, limit = args[1], args[2], args[3], tonumber(args[4] or "")
  if not path or not tag or not key then
    error("intake.lua: arguments are TEMPLATES TAG API_KEY [PER_THREAD]")
  end
  prefixes, suffixes = {}, {}
  for line in io.lines(path) do
    local at = line:find("@CASE@", 1, true)
    if at then
      table.insert(prefixes, line:sub(1, at - 1))
      table.insert(suffixes, line:sub(at + 6))
    end
  end
  if #prefixes == 0 then error("intake.lua: no line of " .. path .. " has the @CASE@ placeholder") end
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}
  numberPrefix = "SX" .. tag .. "T" .. id .. "N"
  -- Threads start at different templates so they do not send the same sequence of bodies.
  counter = 0
  offset = ((id - 1) * 997) % #prefixes
  perThread = limit
  statuses = {}
  bad = 0
  samples = {}
end

function request()
  if perThread and counter >= perThread then
    wrk.thread:stop()
  end
  counter = counter + 1
  local i = (offset + counter) % #prefixes + 1
  local body = prefixes[i] .. numberPrefix .. string.format("%08d", counter) .. suffixes[i]
  return wrk.format("POST", "/v1/cases", headers, body)
end

function response(status, headers, body)
  if status ~= 202 then
    bad = bad + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if #samples < 3 then table.insert(samples, key .. " " .. (body or ""):sub(1, 300)) end
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local bad, sent, codes, examples = 0, 0, {}, {}
  for _, t in ipairs(threads) do
    bad = bad + (t:get("bad") or 0)
    sent = sent + (t:get("counter") or 0)
    local s = t:get("statuses")
    if s then for k, v in pairs(s) do codes[k] = (codes[k] or 0) + v end end
    local e = t:get("samples")
    if e then for _, x in ipairs(e) do table.insert(examples, x) end end
  end
  local parts = {}
  for k, v in pairs(codes) do table.insert(parts, json_string(k) .. ":" .. v) end
  local ex = {}
  for _, x in ipairs(examples) do table.insert(ex, json_string(x)) end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"sent":%d,"non202":%d,"non202_by_status":{%s},"non202_examples":[%s]}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, sent, bad, table.concat(parts, ","), table.concat(ex, ",")))
end
