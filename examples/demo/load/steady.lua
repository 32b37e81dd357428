-- wrk script: a steady-state mix for soaks. Run with one connection per thread (-t N -c N), so that each
-- thread's requests are sequential. Each thread creates one user of its own, then per 10 requests:
-- 7 GET /api/v1/users/{USER_ID}, 2 GET /api/v1/users?limit=20, 1 PUT of its own user (optimistic version).
-- A 409 (the onboarding workflow activated the user in between) makes the thread re-read its user.
-- Unlike mixed.lua it starts no new workflows after the first request, so it measures the service's
-- steady state rather than the in-process Temporal dev server's growing history store.
--   TOKEN=<bearer> USER_ID=<an existing user id> wrk -t4 -c4 -d600s -s steady.lua http://127.0.0.1:8080
local token = os.getenv("TOKEN")
local user = os.getenv("USER_ID")
local auth = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local threads = 0
local counter = 0
local own, version, last, stale = nil, nil, nil, false

setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", os.time() * 100 + threads)
end

request = function()
  counter = counter + 1
  if own == nil then
    last = "write"
    return wrk.format("POST", "/api/v1/users", auth,
      string.format('{"email":"steady-%d@load.example","displayName":"Steady"}', thread_id))
  end
  if stale then
    -- Onboarding (or a lost race) changed our user: read its version again, as a real client would.
    last = "refresh"
    return wrk.format("GET", "/api/v1/users/" .. own, auth)
  end
  local slot = counter % 10
  if slot == 0 then
    last = "write"
    return wrk.format("PUT", "/api/v1/users/" .. own, auth,
      string.format('{"displayName":"Steady %d","version":%d}', counter, version))
  end
  last = "read"
  if slot <= 2 then
    return wrk.format("GET", "/api/v1/users?limit=20", auth)
  end
  return wrk.format("GET", "/api/v1/users/" .. user, auth)
end

response = function(status, headers, body)
  if (last == "write" or last == "refresh") and (status == 200 or status == 201) then
    own = own or body:match('"id":"([^"]+)"')
    version = tonumber(body:match('"version":(%d+)'))
    stale = false
  elseif last == "write" and status == 409 then
    stale = true
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
