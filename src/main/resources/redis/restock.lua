-- restock: puts the units of cancelled orders back on sale, each at most once, and offers the units
-- free in the gate to standing orders first come, first served, in one atomic step: no purchase can
-- take a returned unit between its return and the offer to the buyers standing by.
-- KEYS[1] meta  KEYS[2] tokens  KEYS[3] buyers  KEYS[4] pending  KEYS[5] confirmed  KEYS[6] returned
-- KEYS[7] withdrawn
-- ARGV[1] reservation ttl ms  ARGV[2] n, then n triples orderId, userId, quantity of orders
-- PostgreSQL has CANCELLED, then triples orderId, userId, quantity of standing orders, oldest first
-- (orderId: the order the standing order is served as)
-- A cancelled order gives back what the gate counts for it, and each part only once: a reservation
-- still pending (its pending entry is removed as the units go back), a sale in the confirmed set
-- (likewise). It joins the returned set, so a confirm.lua of it arriving late counts nothing. A
-- repeat (a second sweeper, a retry after a crash, a redelivery) finds nothing left to give.
-- A standing order whose orderId is pending or confirmed already was admitted before (the caller
-- crashed or lost the race to record it): it is reported again and takes nothing. One whose orderId
-- was withdrawn or returned is spent and passed over. Otherwise, while the sale is open, it is
-- admitted as reserve.lua admits in reserve mode, whatever the gate mode (tokens taken, buyer
-- counted, reservation pending with its deadline), if its buyer stays within the limit; a buyer
-- over the limit is passed over; the first standing order the tokens cannot cover ends the offer.
-- An item that is not loaded is left alone (its rebuild starts from PostgreSQL, which has the
-- units back): returns {0}.
-- Returns {1, units given back now, tokens after, then triples orderId, deadlineMs, 1 if admitted
-- now else 0, of the standing orders admitted (now or before; deadline 0 for one already confirmed)}.
if redis.call('EXISTS', KEYS[2]) == 0 then return {0} end
local given = 0
local cancelled = tonumber(ARGV[2])
local last = 2 + 3 * cancelled
for i = 3, last, 3 do
  local order, user, quantity = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local back = 0
  if redis.call('HDEL', KEYS[4], order) == 1 then back = back + quantity end
  if redis.call('SREM', KEYS[5], order) == 1 then back = back + quantity end
  redis.call('SADD', KEYS[6], order)
  if back > 0 then
    redis.call('INCRBY', KEYS[2], back)
    if redis.call('HINCRBY', KEYS[3], user, -back) <= 0 then
      redis.call('HDEL', KEYS[3], user)
    end
    given = given + back
  end
end
local answer = {1, given, 0}
if last < #ARGV then
  local meta = redis.call('HMGET', KEYS[1], 'startsAt', 'endsAt', 'limit')
  local clock = redis.call('TIME')
  local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
  local open = meta[1] and now >= tonumber(meta[1]) and now < tonumber(meta[2])
  local tokens = tonumber(redis.call('GET', KEYS[2]))
  for i = last + 1, #ARGV, 3 do
    local order, user, quantity = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
    local reserved = redis.call('HGET', KEYS[4], order)
    if reserved then
      answer[#answer + 1] = order
      answer[#answer + 1] = tonumber(string.match(reserved, '(%d+)$'))
      answer[#answer + 1] = 0
    elseif redis.call('SISMEMBER', KEYS[5], order) == 1 then
      answer[#answer + 1] = order
      answer[#answer + 1] = 0
      answer[#answer + 1] = 0
    elseif redis.call('SISMEMBER', KEYS[6], order) == 0 and redis.call('SISMEMBER', KEYS[7], order) == 0 and open then
      local held = tonumber(redis.call('HGET', KEYS[3], user) or '0')
      if held + quantity <= tonumber(meta[3]) then
        if tokens < quantity then break end
        local deadline = now + tonumber(ARGV[1])
        tokens = tokens - quantity
        redis.call('DECRBY', KEYS[2], quantity)
        redis.call('HINCRBY', KEYS[3], user, quantity)
        redis.call('HSET', KEYS[4], order, user .. '|' .. quantity .. '|' .. deadline)
        answer[#answer + 1] = order
        answer[#answer + 1] = deadline
        answer[#answer + 1] = 1
      end
    end
  end
end
answer[3] = tonumber(redis.call('GET', KEYS[2]))
return answer
