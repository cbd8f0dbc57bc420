-- reserve: admits one purchase atomically (sale window, per-user limit, tokens).
-- KEYS[1] meta      hash startsAt, endsAt (epoch ms), limit (units per buyer)
-- KEYS[2] tokens    units the gate may still admit
-- KEYS[3] buyers    hash userId -> units reserved or bought
-- KEYS[4] pending   hash orderId -> "userId|quantity|deadlineMs" (reserve mode)
-- KEYS[5] confirmed set of the orderIds counted as sold
-- KEYS[6] withdrawn set of the orderIds the API withdrew (their rows say FAILED; the id is spent)
-- KEYS[7] optional: the request's idempotency key; holds "orderId|quantity|deadlineMs|admittedAtMs"
-- ARGV[1] mode "reserve" | "check-only"   ARGV[2] orderId   ARGV[3] userId   ARGV[4] quantity
-- ARGV[5] reservation ttl ms              ARGV[6] idempotency key ttl ms
-- ARGV[7..] with an idempotency key: the ids of the request's later attempts, in order
-- With an idempotency key, ARGV[2] and ARGV[7..] are derived from the request itself, so they are
-- the same on every retry: if the key's record was lost (Redis lost its data, or it expired), the
-- first attempt not withdrawn is found as counted, or as pending, or is admitted again under the
-- same id, which settlement decides once.
-- Returns {code, orderId, deadlineMs, unitsLeft}; unitsLeft is the tokens seen when sold out, else -1:
--   1 admitted, 2 replay (then the second element is "orderId|quantity|deadlineMs|admittedAtMs",
--   admittedAtMs 0 if it is settled), 0 sold out, -1 per-user limit reached,
--   -2 sale not open (before start or after end), -3 item not loaded (never warmed up, or Redis
--   lost it), -4 every attempt of this key was withdrawn
-- In check-only mode nothing is taken: settlement updates tokens and buyers after the database commits.
local quantity = tonumber(ARGV[4])
local order = ARGV[2]
if KEYS[7] then
  local first = redis.call('GET', KEYS[7])
  if first then return {2, first, 0, -1} end
  order = nil
  for i = 1, #ARGV - 5 do
    local attempt = ARGV[i == 1 and 2 or i + 5]
    if redis.call('SISMEMBER', KEYS[5], attempt) == 1 then return {2, attempt .. '|' .. quantity .. '|0|0', 0, -1} end
    local reserved = redis.call('HGET', KEYS[4], attempt)
    if reserved then
      local deadline = tonumber(string.match(reserved, '(%d+)$'))
      return {2, attempt .. '|' .. quantity .. '|' .. deadline .. '|' .. (deadline - tonumber(ARGV[5])), 0, -1}
    end
    if redis.call('SISMEMBER', KEYS[6], attempt) == 0 then
      order = attempt
      break
    end
  end
  if not order then return {-4, '', 0, -1} end
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
if KEYS[7] then redis.call('SET', KEYS[7], order .. '|' .. quantity .. '|' .. deadline .. '|' .. now, 'PX', ARGV[6]) end
return {1, order, deadline, -1}
