-- load: puts an item into the gate at warm-up, or rebuilds it after Redis lost it.
-- KEYS[1] meta  KEYS[2] tokens  KEYS[3] buyers  KEYS[4] pending  KEYS[5] confirmed
-- ARGV[1] startsAt ms  ARGV[2] endsAt ms  ARGV[3] per-user limit  ARGV[4] tokens (PostgreSQL's available)
-- ARGV[5] n, the number of pairs that follow: userId, units (what buyers hold in PostgreSQL)
-- ARGV[6 + 2n ..] the orderIds PostgreSQL has CONFIRMED (all read in one snapshot with ARGV[4] and the pairs)
-- Returns the tokens in the gate after the call. The window and limit are always refreshed; the
-- rest only if the item was not loaded, so a second warm-up keeps what is already reserved. A
-- rebuild starts from the snapshot alone: reservations still pending elsewhere are forgotten, and
-- an order among them that is confirmed later is counted by confirm.lua as one not counted yet.
redis.call('HSET', KEYS[1], 'startsAt', ARGV[1], 'endsAt', ARGV[2], 'limit', ARGV[3])
if redis.call('SET', KEYS[2], ARGV[4], 'NX') then
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
  local pairs = tonumber(ARGV[5])
  for i = 6, 5 + 2 * pairs, 2 do
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
  for i = 6 + 2 * pairs, #ARGV do
    redis.call('SADD', KEYS[5], ARGV[i])
  end
end
return tonumber(redis.call('GET', KEYS[2]))
