-- wrk script: POSTs one command body with the protocol's media type.
-- Body and extra headers come from the environment (set by bench/run.py),
-- so one script serves every benchmark.
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
