-- wrk script for the gateway benchmark (ops/bench/gateway.sh): the HTTP ceiling, GET /health/live
-- on the same server. No per-request Lua (no request or response function), so wrk sends its
-- fixed request at full speed; wrk itself counts non-2xx answers (errors.status). `done` prints
-- one line `WRK-RESULT {json}` in the same form as intake.lua's.
--
--   wrk -t2 -c64 -d15s --latency -s ops/bench/health.lua URL/health/live

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
