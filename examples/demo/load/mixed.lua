-- wrk script: mixed reads and writes through the gateway, for one tenant.
--   TOKEN=<bearer> USER_ID=<an existing user id> wrk -t2 -c16 -d30s -s mixed.lua http://127.0.0.1:8080
-- Per 10 requests: 7 GET /api/v1/users/{id}, 2 GET /api/v1/users?limit=20, 1 POST /api/v1/users.
local token = os.getenv("TOKEN")
local user = os.getenv("USER_ID")
local counter = 0
local threads = 0

-- Runs in the main Lua state once per thread: gives each thread its own id, so e-mails never collide.
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", os.time() * 100 + threads)
end

local auth = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

request = function()
  counter = counter + 1
  local slot = counter % 10
  if slot == 0 then
    local body = string.format('{"email":"load-%d-%d@load.example","displayName":"Load %d"}', thread_id, counter, counter)
    return wrk.format("POST", "/api/v1/users", auth, body)
  elseif slot <= 2 then
    return wrk.format("GET", "/api/v1/users?limit=20", auth)
  else
    return wrk.format("GET", "/api/v1/users/" .. user, auth)
  end
end

local errors = 0
response = function(status, headers, body)
  if status >= 400 then
    errors = errors + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
