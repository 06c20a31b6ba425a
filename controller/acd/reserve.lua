-- Reserves free agents of an ordered list, atomically: two controllers sharing Redis can never
-- take the same agent. An agent is free when available, or reserved under a lease that has
-- lapsed (its controller died before confirming). Redis's own clock decides, so controllers'
-- clocks do not matter. An agent who missed an offer is skipped until its cooldown ends.
-- KEYS: agent hashes, in the order the strategy ranked them
-- ARGV[1]: reservation id   ARGV[2]: lease in ms   ARGV[3]: channel that announces state changes
-- ARGV[4]: 'first' (one agent: the first free), 'ring' (the first free, straight to ringing: the
-- controller rings at once, so confirming would only cost a round trip) or 'all' (every free one,
-- for ring-all)
-- ARGV[5..]: the agent ids, in the order of KEYS
-- returns the indexes (1-based) of the agents reserved, possibly none
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local taken = {}
for i, key in ipairs(KEYS) do
  local state, leaseUntil, cooldownUntil = unpack(redis.call('HMGET', key, 'state', 'leaseUntil', 'cooldownUntil'))
  local free = state == 'available' or (state == 'reserved' and tonumber(leaseUntil or '0') < now)
  if free and tonumber(cooldownUntil or '0') <= now then
    if ARGV[4] == 'ring' then
      -- What a reservation confirmed by settle.lua looks like: ours (lease), no expiry.
      redis.call('HSET', key, 'state', 'ringing', 'since', now, 'lease', ARGV[1])
      redis.call('HDEL', key, 'leaseUntil')
      redis.call('PUBLISH', ARGV[3], ARGV[4 + i] .. ' ringing ' .. now)
      return { i }
    end
    redis.call('HSET', key, 'state', 'reserved', 'since', now, 'lease', ARGV[1], 'leaseUntil', now + tonumber(ARGV[2]))
    redis.call('PUBLISH', ARGV[3], ARGV[4 + i] .. ' reserved ' .. now)
    taken[#taken + 1] = i
    if ARGV[4] == 'first' then
      return taken
    end
  end
end
return taken
