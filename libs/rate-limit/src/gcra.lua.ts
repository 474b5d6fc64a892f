/**
 * One EVALSHA per batch of decisions (RateLimiter coalesces the decisions of one event-loop turn).
 * Each decision is GCRA over every key of the decision (the project total, the route class,
 * optionally the client IP), all-or-nothing, so a request is counted against every key or none.
 * Decisions run in order at one instant (one TIME): a later decision sees the TATs an earlier one
 * stored, so the batch decides exactly what the same calls sent one by one would. Time comes from
 * the Redis server, so replicas with skewed clocks agree.
 *
 * KEYS: the keys of every decision, in order. ARGV[1]: the number of decisions; then per decision
 * its key count n, then per key intervalUs, capacity, cost. Returns, per decision and flattened,
 * {allowed, deniedIndex, retryAfterMs, remaining1, resetMs1, remaining2, resetMs2, ...}
 * (3 + 2n numbers). Each key is read at most once and written at most once per batch.
 * Mirrors gcraBatch() / gcraDecide() / gcraStep() in gcra.ts.
 */
export const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tats = {}
local written = {}
local order = {}
local out = {}
local k = 0
local a = 2
for d = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  a = a + 1
  local base = #out
  out[base + 1] = 1
  out[base + 2] = 0
  out[base + 3] = 0
  local newTats = {}
  local worst = -1
  for i = 1, n do
    local key = KEYS[k + i]
    local interval = tonumber(ARGV[a])
    local capacity = tonumber(ARGV[a + 1])
    local cost = tonumber(ARGV[a + 2])
    a = a + 3
    local tat = tats[key]
    if tat == nil then
      tat = tonumber(redis.call('GET', key) or '0')
      tats[key] = tat
    end
    if tat < now then tat = now end
    local newTat = tat + cost * interval
    local allowAt = newTat - capacity * interval
    local remaining
    local reset
    if now < allowAt then
      if allowAt - now > worst then
        worst = allowAt - now
        out[base + 1] = 0
        out[base + 2] = i
        out[base + 3] = math.ceil((allowAt - now) / 1000)
      end
      remaining = math.floor((capacity * interval - (tat - now)) / interval)
      reset = tat - now
      newTats[i] = false
    else
      remaining = math.floor((now - allowAt) / interval)
      reset = newTat - now
      if cost > 0 then newTats[i] = newTat else newTats[i] = false end
    end
    if remaining < 0 then remaining = 0 end
    out[base + 3 + (i - 1) * 2 + 1] = remaining
    out[base + 3 + (i - 1) * 2 + 2] = math.ceil(reset / 1000)
  end
  if out[base + 1] == 1 then
    for i = 1, n do
      if newTats[i] then
        local key = KEYS[k + i]
        tats[key] = newTats[i]
        if not written[key] then
          written[key] = true
          order[#order + 1] = key
        end
      end
    end
  end
  k = k + n
end
for _, key in ipairs(order) do
  local tat = tats[key]
  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return out
`;
