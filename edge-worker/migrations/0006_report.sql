-- Issue 15, delivery report. See edge-worker/migrations/SCHEMA.md ("Delivery report").
--
-- 1. What each send cost, as Telnyx reports it (`cost: {amount, currency}` on the send answer and
--    on message.sent / message.finalized receipts; SDK: OutboundMessagePayload.Cost). The amount
--    is a decimal string; it is kept in millionths (integer) so sums never drift.
ALTER TABLE sends ADD COLUMN cost_micros INTEGER;
ALTER TABLE sends ADD COLUMN cost_currency TEXT;

-- 2. Daily aggregates per installation, UTC day of the send's creation and rule. Every counter is
--    a sum over that day's sends of one indicator of the send's CURRENT row (status, reason,
--    Telnyx id, segments, cost). Triggers on `sends` add indicator(NEW) - indicator(OLD) inside
--    the very statement that changes a send, so the aggregate moves exactly when, and only when,
--    the row changes: a status update that does not apply (forward-only WHERE, a repeated
--    receipt) changes no row and fires nothing. The table has no reference to `sends`: it
--    outlives any purge of individual sends (there is no DELETE trigger) and goes with the
--    installation. The primary key is the report's index: (installation_id, day, ...) ranges.
--    `opt_outs` counts STOP-type replies (not Telnyx's 40300 answers, which are skips), on the
--    day of the reply, for the rule of the latest message Telnyx accepted for that number.
CREATE TABLE report_daily (
  installation_id  TEXT NOT NULL REFERENCES installations(id) ON DELETE CASCADE,
  day              TEXT NOT NULL,                 -- 'YYYY-MM-DD', UTC: the day the send was created
  rule_id          TEXT NOT NULL,
  rule_label       TEXT NOT NULL,                 -- the rule's label at its latest send (rules may be deleted)
  total            INTEGER NOT NULL DEFAULT 0,
  pending          INTEGER NOT NULL DEFAULT 0,
  sent             INTEGER NOT NULL DEFAULT 0,
  delivered        INTEGER NOT NULL DEFAULT 0,
  failed           INTEGER NOT NULL DEFAULT 0,
  skipped          INTEGER NOT NULL DEFAULT 0,
  skipped_no_valid_number INTEGER NOT NULL DEFAULT 0,
  skipped_opted_out INTEGER NOT NULL DEFAULT 0,
  skipped_frequency_cap INTEGER NOT NULL DEFAULT 0,
  skipped_duplicate_recipient INTEGER NOT NULL DEFAULT 0,
  skipped_rule_disabled INTEGER NOT NULL DEFAULT 0,
  skipped_sms_not_connected INTEGER NOT NULL DEFAULT 0,
  skipped_cancelled INTEGER NOT NULL DEFAULT 0,
  failed_telnyx_rejected INTEGER NOT NULL DEFAULT 0,
  failed_carrier_failed INTEGER NOT NULL DEFAULT 0,
  failed_retries_exhausted INTEGER NOT NULL DEFAULT 0,
  failed_outcome_unknown INTEGER NOT NULL DEFAULT 0,
  parts            INTEGER NOT NULL DEFAULT 0,
  cost_micros      INTEGER NOT NULL DEFAULT 0,
  opt_outs         INTEGER NOT NULL DEFAULT 0,
  cost_currency    TEXT,                          -- ISO 4217 as Telnyx reports it; 'MIXED' if two ever meet
  PRIMARY KEY (installation_id, day, rule_id)
) WITHOUT ROWID;  -- rows stored in key order: a report is one range read

CREATE TRIGGER sends_report_insert AFTER INSERT ON sends BEGIN
  INSERT INTO report_daily (installation_id, day, rule_id, rule_label, total, pending, sent, delivered, failed, skipped, skipped_no_valid_number, skipped_opted_out, skipped_frequency_cap, skipped_duplicate_recipient, skipped_rule_disabled, skipped_sms_not_connected, skipped_cancelled, failed_telnyx_rejected, failed_carrier_failed, failed_retries_exhausted, failed_outcome_unknown, parts, cost_micros, cost_currency)
  VALUES (NEW.installation_id, substr(NEW.created_at, 1, 10), NEW.rule_id, NEW.rule_label,
    1,
    (NEW.status IN ('reserved', 'held', 'sending')),
    (NEW.telnyx_message_id IS NOT NULL),
    (NEW.status IS 'delivered'),
    (NEW.status IS 'failed'),
    (NEW.status IS 'skipped'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'no_valid_number'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'opted_out'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'frequency_cap'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'duplicate_recipient'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'rule_disabled'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'sms_not_connected'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'cancelled'),
    (NEW.status IS 'failed' AND NEW.reason IS 'telnyx_rejected'),
    (NEW.status IS 'failed' AND NEW.reason IS 'carrier_failed'),
    (NEW.status IS 'failed' AND NEW.reason IS 'retries_exhausted'),
    (NEW.status IS 'failed' AND NEW.reason IS 'outcome_unknown'),
    (CASE WHEN NEW.telnyx_message_id IS NOT NULL THEN NEW.segments ELSE 0 END),
    COALESCE(NEW.cost_micros, 0),
    NEW.cost_currency)
  ON CONFLICT (installation_id, day, rule_id) DO UPDATE SET
    rule_label = excluded.rule_label,
    total = total + excluded.total,
    pending = pending + excluded.pending,
    sent = sent + excluded.sent,
    delivered = delivered + excluded.delivered,
    failed = failed + excluded.failed,
    skipped = skipped + excluded.skipped,
    skipped_no_valid_number = skipped_no_valid_number + excluded.skipped_no_valid_number,
    skipped_opted_out = skipped_opted_out + excluded.skipped_opted_out,
    skipped_frequency_cap = skipped_frequency_cap + excluded.skipped_frequency_cap,
    skipped_duplicate_recipient = skipped_duplicate_recipient + excluded.skipped_duplicate_recipient,
    skipped_rule_disabled = skipped_rule_disabled + excluded.skipped_rule_disabled,
    skipped_sms_not_connected = skipped_sms_not_connected + excluded.skipped_sms_not_connected,
    skipped_cancelled = skipped_cancelled + excluded.skipped_cancelled,
    failed_telnyx_rejected = failed_telnyx_rejected + excluded.failed_telnyx_rejected,
    failed_carrier_failed = failed_carrier_failed + excluded.failed_carrier_failed,
    failed_retries_exhausted = failed_retries_exhausted + excluded.failed_retries_exhausted,
    failed_outcome_unknown = failed_outcome_unknown + excluded.failed_outcome_unknown,
    parts = parts + excluded.parts,
    cost_micros = cost_micros + excluded.cost_micros,
    cost_currency = CASE WHEN excluded.cost_currency IS NULL OR cost_currency IS excluded.cost_currency THEN cost_currency
                         WHEN cost_currency IS NULL THEN excluded.cost_currency ELSE 'MIXED' END;
END;

CREATE TRIGGER sends_report_update AFTER UPDATE ON sends
WHEN OLD.status IS NOT NEW.status OR OLD.reason IS NOT NEW.reason OR OLD.telnyx_message_id IS NOT NEW.telnyx_message_id
  OR OLD.segments IS NOT NEW.segments OR OLD.cost_micros IS NOT NEW.cost_micros OR OLD.cost_currency IS NOT NEW.cost_currency
BEGIN
  INSERT INTO report_daily (installation_id, day, rule_id, rule_label, total, pending, sent, delivered, failed, skipped, skipped_no_valid_number, skipped_opted_out, skipped_frequency_cap, skipped_duplicate_recipient, skipped_rule_disabled, skipped_sms_not_connected, skipped_cancelled, failed_telnyx_rejected, failed_carrier_failed, failed_retries_exhausted, failed_outcome_unknown, parts, cost_micros, cost_currency)
  VALUES (NEW.installation_id, substr(NEW.created_at, 1, 10), NEW.rule_id, NEW.rule_label,
    0,
    (NEW.status IN ('reserved', 'held', 'sending')) - (OLD.status IN ('reserved', 'held', 'sending')),
    (NEW.telnyx_message_id IS NOT NULL) - (OLD.telnyx_message_id IS NOT NULL),
    (NEW.status IS 'delivered') - (OLD.status IS 'delivered'),
    (NEW.status IS 'failed') - (OLD.status IS 'failed'),
    (NEW.status IS 'skipped') - (OLD.status IS 'skipped'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'no_valid_number') - (OLD.status IS 'skipped' AND OLD.reason IS 'no_valid_number'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'opted_out') - (OLD.status IS 'skipped' AND OLD.reason IS 'opted_out'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'frequency_cap') - (OLD.status IS 'skipped' AND OLD.reason IS 'frequency_cap'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'duplicate_recipient') - (OLD.status IS 'skipped' AND OLD.reason IS 'duplicate_recipient'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'rule_disabled') - (OLD.status IS 'skipped' AND OLD.reason IS 'rule_disabled'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'sms_not_connected') - (OLD.status IS 'skipped' AND OLD.reason IS 'sms_not_connected'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'cancelled') - (OLD.status IS 'skipped' AND OLD.reason IS 'cancelled'),
    (NEW.status IS 'failed' AND NEW.reason IS 'telnyx_rejected') - (OLD.status IS 'failed' AND OLD.reason IS 'telnyx_rejected'),
    (NEW.status IS 'failed' AND NEW.reason IS 'carrier_failed') - (OLD.status IS 'failed' AND OLD.reason IS 'carrier_failed'),
    (NEW.status IS 'failed' AND NEW.reason IS 'retries_exhausted') - (OLD.status IS 'failed' AND OLD.reason IS 'retries_exhausted'),
    (NEW.status IS 'failed' AND NEW.reason IS 'outcome_unknown') - (OLD.status IS 'failed' AND OLD.reason IS 'outcome_unknown'),
    (CASE WHEN NEW.telnyx_message_id IS NOT NULL THEN NEW.segments ELSE 0 END) - (CASE WHEN OLD.telnyx_message_id IS NOT NULL THEN OLD.segments ELSE 0 END),
    COALESCE(NEW.cost_micros, 0) - COALESCE(OLD.cost_micros, 0),
    NEW.cost_currency)
  ON CONFLICT (installation_id, day, rule_id) DO UPDATE SET
    rule_label = excluded.rule_label,
    total = total + excluded.total,
    pending = pending + excluded.pending,
    sent = sent + excluded.sent,
    delivered = delivered + excluded.delivered,
    failed = failed + excluded.failed,
    skipped = skipped + excluded.skipped,
    skipped_no_valid_number = skipped_no_valid_number + excluded.skipped_no_valid_number,
    skipped_opted_out = skipped_opted_out + excluded.skipped_opted_out,
    skipped_frequency_cap = skipped_frequency_cap + excluded.skipped_frequency_cap,
    skipped_duplicate_recipient = skipped_duplicate_recipient + excluded.skipped_duplicate_recipient,
    skipped_rule_disabled = skipped_rule_disabled + excluded.skipped_rule_disabled,
    skipped_sms_not_connected = skipped_sms_not_connected + excluded.skipped_sms_not_connected,
    skipped_cancelled = skipped_cancelled + excluded.skipped_cancelled,
    failed_telnyx_rejected = failed_telnyx_rejected + excluded.failed_telnyx_rejected,
    failed_carrier_failed = failed_carrier_failed + excluded.failed_carrier_failed,
    failed_retries_exhausted = failed_retries_exhausted + excluded.failed_retries_exhausted,
    failed_outcome_unknown = failed_outcome_unknown + excluded.failed_outcome_unknown,
    parts = parts + excluded.parts,
    cost_micros = cost_micros + excluded.cost_micros,
    cost_currency = CASE WHEN excluded.cost_currency IS NULL OR cost_currency IS excluded.cost_currency THEN cost_currency
                         WHEN cost_currency IS NULL THEN excluded.cost_currency ELSE 'MIXED' END;
END;

CREATE TRIGGER opt_outs_report_insert AFTER INSERT ON opt_outs WHEN NEW.keyword IS NOT 'telnyx_40300' BEGIN
  INSERT INTO report_daily (installation_id, day, rule_id, rule_label, opt_outs)
  SELECT s.installation_id, substr(NEW.created_at, 1, 10), s.rule_id, s.rule_label, 1
  FROM sends s
  WHERE s.installation_id = NEW.installation_id AND s.recipient = NEW.phone AND s.telnyx_message_id IS NOT NULL
  ORDER BY s.created_at DESC LIMIT 1
  ON CONFLICT (installation_id, day, rule_id) DO UPDATE SET opt_outs = opt_outs + 1;
END;

-- 3. Sends written before this migration: counted once, here.
INSERT INTO report_daily (installation_id, day, rule_id, rule_label, total, pending, sent, delivered, failed, skipped, skipped_no_valid_number, skipped_opted_out, skipped_frequency_cap, skipped_duplicate_recipient, skipped_rule_disabled, skipped_sms_not_connected, skipped_cancelled, failed_telnyx_rejected, failed_carrier_failed, failed_retries_exhausted, failed_outcome_unknown, parts, cost_micros, cost_currency)
SELECT installation_id, substr(created_at, 1, 10), rule_id, MAX(rule_label),
  COUNT(*),
  SUM((sends.status IN ('reserved', 'held', 'sending'))),
  SUM((sends.telnyx_message_id IS NOT NULL)),
  SUM((sends.status IS 'delivered')),
  SUM((sends.status IS 'failed')),
  SUM((sends.status IS 'skipped')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'no_valid_number')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'opted_out')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'frequency_cap')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'duplicate_recipient')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'rule_disabled')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'sms_not_connected')),
  SUM((sends.status IS 'skipped' AND sends.reason IS 'cancelled')),
  SUM((sends.status IS 'failed' AND sends.reason IS 'telnyx_rejected')),
  SUM((sends.status IS 'failed' AND sends.reason IS 'carrier_failed')),
  SUM((sends.status IS 'failed' AND sends.reason IS 'retries_exhausted')),
  SUM((sends.status IS 'failed' AND sends.reason IS 'outcome_unknown')),
  SUM((CASE WHEN sends.telnyx_message_id IS NOT NULL THEN sends.segments ELSE 0 END)),
  SUM(COALESCE(sends.cost_micros, 0)),
  MAX(cost_currency)
FROM sends GROUP BY installation_id, substr(created_at, 1, 10), rule_id;
