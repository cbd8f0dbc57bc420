-- wrk script of the flashsale benchmarks: every request is one buyer's purchase (or a GET of the
-- trivial endpoint), and every response is logged with its own latency, so that report.py can
-- draw throughput and latency percentiles per second (wrk itself only gives totals).
--
-- Run it with as many threads as connections (-t N -c N): a thread with one connection alternates
-- request() and response() strictly, which is what makes the per-request latency exact.
--
-- Settings, from the environment:
--   BENCH_KIND      purchase (POST /api/v1/orders) | get (GET BENCH_PATH)          default purchase
--   BENCH_PATH      path for kind=get                                               default /actuator/info
--   BENCH_ITEM      item id to buy
--   BENCH_BUYERS    purchase: random buyers drawn from BENCH_BUYERS ids ...
--   BENCH_SEQUENTIAL  ... or, if set to N, buyers 0..N-1 once each, then the thread stops
--   BENCH_BUYER_PREFIX  prefix of buyer ids                                         default b
--   BENCH_THREADS   the -t given to wrk
--   BENCH_SECONDS   stop issuing after this many seconds (wrk's -d must be larger: the driver
--                   interrupts wrk once every thread is done, so no request is cut off in flight)
--   BENCH_OUT       directory for the logs: one wrk-<thread>.log per thread, a done-<thread> file
--                   when a thread has stopped, and summary.json with wrk's own totals
--
-- Log line: <request start, epoch µs> <latency µs> <HTTP status> <orderId for 202 | code | ->

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(0, clock) -- CLOCK_REALTIME, to line up with the sampler's epoch milliseconds
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local kind = os.getenv("BENCH_KIND") or "purchase"
local out = os.getenv("BENCH_OUT") or "."
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local item = os.getenv("BENCH_ITEM") or "1"
local buyers = tonumber(os.getenv("BENCH_BUYERS") or "200000")
local sequential = tonumber(os.getenv("BENCH_SEQUENTIAL") or "0")
local prefix = os.getenv("BENCH_BUYER_PREFIX") or "b"
local seconds = tonumber(os.getenv("BENCH_SECONDS") or "0")

-- main Lua state: number the threads, keep them for done()
local created = {}
function setup(thread)
  thread:set("tid", #created)
  table.insert(created, thread)
end

-- thread Lua states from here on
local log, started, deadline, next_buyer, sent_at, stopped, verified
local get_request

function init(args)
  log = io.open(string.format("%s/wrk-%d.log", out, tid), "w")
  math.randomseed(12345 + tid * 7919)
  started = now_us()
  deadline = seconds > 0 and started + seconds * 1000000 or math.huge
  next_buyer = tid
  -- wrk calls request() once on thread 0 before the run to check the script; that call must not
  -- use up a buyer, or sequential mode would skip one
  verified = tid ~= 0
  if kind == "get" then
    get_request = wrk.format("GET", os.getenv("BENCH_PATH") or "/actuator/info")
  end
end

local function stop()
  if not stopped then
    stopped = true
    log:close()
    io.open(string.format("%s/done-%d", out, tid), "w"):close()
    wrk.thread:stop()
  end
end

function request()
  sent_at = now_us()
  if kind == "get" then
    return get_request
  end
  local buyer
  if not verified then
    verified = true
    buyer = 0
  elseif sequential > 0 then
    buyer = next_buyer
    next_buyer = next_buyer + threads
  else
    buyer = math.random(0, buyers - 1)
  end
  return wrk.format("POST", "/api/v1/orders", { ["Content-Type"] = "application/json" },
    string.format('{"itemId":%s,"userId":"%s%d","quantity":1}', item, prefix, buyer))
end

function response(status, headers, body)
  if stopped then return end
  local now = now_us()
  local tag = "-"
  if status == 202 then
    tag = body:match('"orderId":"([^"]+)"') or "-"
  elseif status >= 300 then
    tag = body:match('"code":"([^"]+)"') or "-"
  end
  log:write(string.format("%.0f %.0f %d %s\n", sent_at, now - sent_at, status, tag))
  if now >= deadline or (sequential > 0 and next_buyer >= sequential) then
    stop()
  end
end

function done(summary, latency, requests)
  local f = io.open(out .. "/summary.json", "w")
  f:write(string.format(
    '{"duration_us":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.duration, summary.requests, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
  f:close()
end
