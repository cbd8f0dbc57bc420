-- wrk script of the flashsale benchmarks: every request is one buyer's purchase (or a GET of the
-- trivial endpoint), and every response is logged with its own latency, so that report.py can
-- draw throughput and latency percentiles per second (wrk itself only gives totals).
--
-- Run it with a few threads for many connections (-t 4 -c 300): each request carries its own
-- X-Request-Id, which the server echoes, so that the thread can time each request even though its
-- connections interleave. (One thread per connection spent a quarter of the machine on the load
-- generator's own scheduling, and its tail latency was the generator's.)
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
--
-- A thread stops issuing measured requests once its time is up or its buyers are used up, then
-- waits until those it has in flight are answered, so that no request is cut off in flight; then
-- it writes done-<thread>.

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

-- main Lua state: number the threads
local threads_set_up = 0
function setup(thread)
  thread:set("tid", threads_set_up)
  threads_set_up = threads_set_up + 1
end

-- thread Lua states from here on
local log, deadline, next_buyer, stopped, verified
local get_request, filler
local sent = {}       -- X-Request-Id -> request start, µs
local in_flight, request_no = 0, 0

function init(args)
  log = io.open(string.format("%s/wrk-%d.log", out, tid), "w")
  math.randomseed(12345 + tid * 7919)
  deadline = seconds > 0 and now_us() + seconds * 1000000 or math.huge
  next_buyer = tid
  -- wrk calls request() once on thread 0 before the run to check the script (and sends nothing);
  -- that call must not use up a buyer, or sequential mode would skip one
  verified = tid ~= 0
  get_request = os.getenv("BENCH_PATH") or "/actuator/info"
  filler = wrk.format("GET", "/actuator/health/liveness", { ["X-Request-Id"] = "filler" })
end

local function finished()
  return now_us() >= deadline or (sequential > 0 and next_buyer >= sequential)
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
  if not verified or finished() then
    -- wrk's check of the script (nothing is sent); or, once the thread is finished, what its
    -- connections send until its last measured request is answered (wrk wants a request from every
    -- connection that has its answer): neither counted nor logged
    verified = true
    return filler
  end
  request_no = request_no + 1
  local id = tostring(request_no)
  sent[id] = now_us()
  in_flight = in_flight + 1
  if kind == "get" then
    return wrk.format("GET", get_request, { ["X-Request-Id"] = id })
  end
  local buyer
  if sequential > 0 then
    buyer = next_buyer
    next_buyer = next_buyer + threads
  else
    buyer = math.random(0, buyers - 1)
  end
  return wrk.format("POST", "/api/v1/orders",
    { ["Content-Type"] = "application/json", ["X-Request-Id"] = id },
    string.format('{"itemId":%s,"userId":"%s%d","quantity":1}', item, prefix, buyer))
end

function response(status, headers, body)
  if stopped then return end
  local now = now_us()
  local id = headers["X-Request-Id"]
  if id ~= "filler" then
    local at = id and sent[id]
    if at then
      sent[id] = nil
    else
      at = now -- no echo (an answer of the container itself): counted, not timed
    end
    in_flight = in_flight - 1
    local tag = "-"
    if status == 202 then
      tag = body:match('"orderId":"([^"]+)"') or "-"
    elseif status >= 300 then
      tag = body:match('"code":"([^"]+)"') or "-"
    end
    log:write(string.format("%.0f %.0f %d %s\n", at, now - at, status, tag))
  end
  if in_flight == 0 and finished() then
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
