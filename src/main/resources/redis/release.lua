-- release: gives reservations back, each at most once.
-- KEYS[1] tokens  KEYS[2] buyers  KEYS[3] pending hash orderId -> "userId|quantity|deadlineMs"
-- ARGV    the orderIds whose reservations end without a sale (failed, expired, withdrawn)
-- Returns the orderIds that were still pending and whose units were returned now. An order that is
-- no longer pending (released before, or never reserved in check-only mode) returns nothing, so a
-- release repeated by any process after any crash cannot count twice. An item that is not loaded is
-- left alone (its rebuild starts from PostgreSQL).
local released = {}
if redis.call('EXISTS', KEYS[1]) == 0 then return released end
for i = 1, #ARGV do
  local entry = redis.call('HGET', KEYS[3], ARGV[i])
  if entry then
    redis.call('HDEL', KEYS[3], ARGV[i])
    local user, quantity = string.match(entry, '^(.*)|(%d+)|%d+$')
    redis.call('INCRBY', KEYS[1], quantity)
    if redis.call('HINCRBY', KEYS[2], user, -tonumber(quantity)) <= 0 then
      redis.call('HDEL', KEYS[2], user)
    end
    released[#released + 1] = ARGV[i]
  end
end
return released
