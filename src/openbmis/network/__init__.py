"""Border-post nodes and headquarters: enrolment, the signed outbox/inbox (upward) and reference-data feed
(downward), and the operator view of every node."""
