-- The transactional outbox behind the event bus (src/infra/events). An event is a row written in the
-- publisher's transaction; its fan-out to subscribers is written in the same statement, so an event
-- that commits can never miss a subscriber that was registered when it was published.

-- Who wants which event type, by durable subscriber name. Each process upserts its own subscriptions
-- at start; a row nobody serves any more keeps collecting deliveries (visible as backlog per
-- subscriber) until an operator deletes it.
CREATE TABLE shopd.event_subscriptions (
  subscriber text NOT NULL,
  event_type text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_type, subscriber)
);

CREATE TABLE shopd.outbox_events (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- internal order and join key
  id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,         -- the event's identity outside this database
  type text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  payload jsonb NOT NULL
);

-- One row per event and subscriber: the unit that is claimed, retried, dead-lettered and replayed.
-- Its id is the dead letter's id in `shopd dead-letters` and the admin API.
CREATE TABLE shopd.event_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_position bigint NOT NULL REFERENCES shopd.outbox_events (position) ON DELETE CASCADE,
  subscriber text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'handled', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  last_attempt_at timestamptz,
  handled_at timestamptz,
  UNIQUE (event_position, subscriber)
);

-- The dispatcher's claim: due pending deliveries of one subscriber, oldest first.
CREATE INDEX event_deliveries_due ON shopd.event_deliveries (subscriber, next_attempt_at, id)
  WHERE status = 'pending';
CREATE INDEX event_deliveries_dead ON shopd.event_deliveries (id) WHERE status = 'dead';
-- Retention deletes handled deliveries by age, then events left without deliveries.
CREATE INDEX event_deliveries_handled ON shopd.event_deliveries (handled_at) WHERE status = 'handled';
