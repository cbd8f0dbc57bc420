-- reserve: admits one purchase atomically (sale window, per-user limit, tokens).
-- KEYS[1] meta      hash startsAt, endsAt (epoch ms), limit (units per buyer)
-- KEYS[2] tokens    units the gate may still admit
-- KEYS[3] buyers    hash userId -> units reserved or bought
-- KEYS[4] pending   hash orderId -> "userId|quantity|deadlineMs" (reserve mode)
-- KEYS[5] confirmed set of the orderIds counted as sold
-- KEYS[6] withdrawn set of the orderIds the API withdrew (their rows say FAILED; the id is spent)
-- KEYS[7] optional: the request's idempotency key; holds "orderId|quantity|deadlineMs" of its first admission
-- ARGV[1] mode "reserve" | "check-only"   ARGV[2] orderId   ARGV[3] userId   ARGV[4] quantity
-- ARGV[5] reservation ttl ms              ARGV[6] idempotency key ttl ms
-- ARGV[7] with an idempotency key: a fresh orderId, used instead of ARGV[2] if ARGV[2] was withdrawn
-- With an idempotency key, ARGV[2] is derived from the request itself, so it is the same on every
-- retry: if the key's record was lost (Redis lost its data, or it expired), an order already counted
-- as sold is still found, and one still on its way is admitted again under the same id, which
-- settlement decides once.
-- Returns {code, orderId, deadlineMs, unitsLeft}; unitsLeft is the tokens seen when sold out, else -1:
--   1 admitted, 2 replay (then the second element is "orderId|quantity|deadlineMs"), 0 sold out,
--   -1 per-user limit reached, -2 sale not open (before start or after end),
--   -3 item not loaded (never warmed up, or Redis lost it)
-- In check-only mode nothing is taken: settlement updates tokens and buyers after the database commits.
local quantity = tonumber(ARGV[4])
local order = ARGV[2]
if KEYS[7] then
  local first = redis.call('GET', KEYS[7])
  if first then return {2, first, 0, -1} end
  if redis.call('SISMEMBER', KEYS[5], order) == 1 then return {2, order .. '|' .. quantity .. '|0', 0, -1} end
  local reserved = redis.call('HGET', KEYS[4], order)
  if reserved then return {2, order .. '|' .. quantity .. '|' .. string.match(reserved, '(%d+)$'), 0, -1} end
  if redis.call('SISMEMBER', KEYS[6], order) == 1 then order = ARGV[7] end
end
local meta = redis.call('HMGET', KEYS[1], 'startsAt', 'endsAt', 'limit')
local tokens = redis.call('GET', KEYS[2])
if not meta[1] or not tokens then return {-3, '', 0, -1} end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
if now < tonumber(meta[1]) or now >= tonumber(meta[2]) then return {-2, '', 0, -1} end
local held = tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0')
if held + quantity > tonumber(meta[3]) then return {-1, '', 0, -1} end
if tonumber(tokens) < quantity then return {0, '', 0, tonumber(tokens)} end
local deadline = 0
if ARGV[1] == 'reserve' then
  deadline = now + tonumber(ARGV[5])
  redis.call('DECRBY', KEYS[2], quantity)
  redis.call('HINCRBY', KEYS[3], ARGV[3], quantity)
  redis.call('HSET', KEYS[4], order, ARGV[3] .. '|' .. quantity .. '|' .. deadline)
end
if KEYS[7] then redis.call('SET', KEYS[7], order .. '|' .. quantity .. '|' .. deadline, 'PX', ARGV[6]) end
return {1, order, deadline, -1}
