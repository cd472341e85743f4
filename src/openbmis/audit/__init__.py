"""The audit trail: an append-only, hash-chained record of every write.

Each event stores who did what to which object, the values before and after, the request
id and the time.  Event *n* carries ``hash = SHA-256(prev_hash || canonical(event))``, and
a single head row remembers the last sequence number and hash, so editing any event,
deleting one from the middle or cutting the tail off the chain is detected by
``openbmis audit verify``, which names the first broken event.
"""
