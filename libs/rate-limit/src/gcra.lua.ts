/**
 * One EVALSHA per decision: GCRA over every key of the decision (the project total, the route
 * class, optionally the client IP), all-or-nothing, so a request is counted against every key or
 * none. Time comes from the Redis server, so replicas with skewed clocks agree.
 * ARGV per key: intervalUs, capacity, cost. Returns {allowed, deniedIndex, retryAfterMs,
 * remaining1, resetMs1, remaining2, resetMs2, ...}. Mirrors gcraStep() in gcra.ts.
 */
export const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = #KEYS
local newTats = {}
local out = {1, 0, 0}
local worst = -1
for i = 1, n do
  local interval = tonumber(ARGV[(i - 1) * 3 + 1])
  local capacity = tonumber(ARGV[(i - 1) * 3 + 2])
  local cost = tonumber(ARGV[(i - 1) * 3 + 3])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local newTat = tat + cost * interval
  local allowAt = newTat - capacity * interval
  local remaining
  local reset
  if now < allowAt then
    if allowAt - now > worst then
      worst = allowAt - now
      out[1] = 0
      out[2] = i
      out[3] = math.ceil((allowAt - now) / 1000)
    end
    remaining = math.floor((capacity * interval - (tat - now)) / interval)
    reset = tat - now
    newTats[i] = false
  else
    remaining = math.floor((now - allowAt) / interval)
    reset = newTat - now
    newTats[i] = newTat
  end
  if remaining < 0 then remaining = 0 end
  out[3 + (i - 1) * 2 + 1] = remaining
  out[3 + (i - 1) * 2 + 2] = math.ceil(reset / 1000)
end
if out[1] == 1 then
  for i = 1, n do
    if tonumber(ARGV[(i - 1) * 3 + 3]) > 0 then
      redis.call('SET', KEYS[i], string.format('%.0f', newTats[i]), 'PX', math.ceil((newTats[i] - now) / 1000) + 1)
    end
  end
end
return out
`;
