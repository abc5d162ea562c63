-- wrk script: POSTs one command body with the protocol's media type.
-- Body and extra headers come from the environment (set by bench/run.py),
-- so one script serves every benchmark.
--
-- With BENCH_READINGS=N it instead sends a fresh batch of N READING.PUSH
-- lines per request: devices BENCH_DEVPREFIX000… (BENCH_DEVICES of them)
-- at times counting back from BENCH_TS_BASE (Unix seconds), distinct per
-- thread and request, so every line is a real insert rather than a retry.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "PING"
wrk.headers["Content-Type"] = "application/x-infosys-command"
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
wrk.headers["Infosys-PC"] = os.getenv("BENCH_PC") or "bench-pc"
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local lines = tonumber(os.getenv("BENCH_READINGS") or "0")
local ndev = tonumber(os.getenv("BENCH_DEVICES") or "100")
local prefix = os.getenv("BENCH_DEVPREFIX") or "BP"
local base = tonumber(os.getenv("BENCH_TS_BASE") or "0")
local threads = 0
local all_threads = {}

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  all_threads[threads] = thread
end

-- With BENCH_STATUS=1 each thread counts responses by HTTP status and the
-- totals are printed as "Status NNN: count" lines at the end (wrk itself
-- only says how many were not 2xx/3xx; a rate-limited flood needs to tell
-- nginx's 429s from the application's refusals).
if os.getenv("BENCH_STATUS") == "1" then
  statuses = {}
  response = function(status)
    statuses[status] = (statuses[status] or 0) + 1
  end
  done = function()
    local total = {}
    for _, t in ipairs(all_threads) do
      for code, n in pairs(t:get("statuses") or {}) do
        total[code] = (total[code] or 0) + n
      end
    end
    for code, n in pairs(total) do
      io.write(string.format("Status %d: %d\n", code, n))
    end
  end
end

local counter = 0

-- With BENCH_KEYS=k1,k2,… each request takes the next facility's key, as
-- many facilities' PCs polling at once would.
local keys = {}
for k in string.gmatch(os.getenv("BENCH_KEYS") or "", "[^,]+") do
  keys[#keys + 1] = k
end

if #keys > 0 then
  request = function()
    counter = counter + 1
    local h = {}
    for name, value in pairs(wrk.headers) do h[name] = value end
    h["Authorization"] = "Bearer " .. keys[(counter * 2 + (tid or 0)) % #keys + 1]
    return wrk.format(nil, nil, h, wrk.body)
  end
end

if lines > 0 then
  -- Each request takes `steps` timestamps; threads interleave (wrk -t2).
  local steps = math.ceil(lines / ndev)
  request = function()
    local slot = counter * 2 + (tid or 0)
    counter = counter + 1
    local out, n = {}, 0
    for s = 0, steps - 1 do
      local ts = os.date("!%Y-%m-%dT%H:%M:%SZ", base - slot * steps - s)
      for d = 0, ndev - 1 do
        if n == lines then break end
        n = n + 1
        out[n] = string.format("READING.PUSH device=%s%03d ts=%s value=%d.%02d",
                               prefix, d, ts, 2 + (n % 6), (slot + n) % 100)
      end
    end
    return wrk.format(nil, nil, nil, table.concat(out, "\n"))
  end
end

-- With BENCH_RATE=R the requests are paced to R a second in all (wrk -t2
-- shares it between its threads), so that latency is measured at a given
-- load rather than at saturation, where it only restates the throughput
-- (Little's law: connections / requests a second). Each thread hands out
-- send times one interval apart and never banks time it fell behind;
-- wrk times a request from when it is sent.
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = 1000 * tonumber(os.getenv("BENCH_THREADS") or "2") / rate
  local slot = 0
  delay = function()
    local t = now_ms()
    slot = math.max(slot + interval, t)
    return math.floor(slot - t + 0.5)
  end
end
