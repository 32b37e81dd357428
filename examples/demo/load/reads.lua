-- wrk script: reads only (GET /api/v1/users/{id}) through the gateway, for comparison with mixed.lua.
--   TOKEN=<bearer> USER_ID=<an existing user id> wrk -t2 -c16 -d30s -s reads.lua http://127.0.0.1:8080
local token = os.getenv("TOKEN")
local user = os.getenv("USER_ID")
request = function()
  return wrk.format("GET", "/api/v1/users/" .. user, { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
