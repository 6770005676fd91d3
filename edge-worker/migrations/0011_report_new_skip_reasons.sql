-- The delivery report's per-reason columns for the skip reasons added after 0006. See
-- edge-worker/migrations/SCHEMA.md ("Delivery report: reasons added after 0006", migration 0011).
--
-- Sends skipped for these reasons counted in `skipped` but in no `skipped_<reason>` column, so the
-- report's breakdown did not add up to its total. (`quiet_hours`, `send_delay` and
-- `budget_exceeded` are holds: status `held`, counted in `pending`, never skips. No fail reason
-- was added: `failed` is set only with the four in 0006.)
--
-- 1. The columns.
ALTER TABLE report_daily ADD COLUMN skipped_summary_unavailable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN skipped_country_not_allowed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN skipped_erased INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN skipped_ticket_reopened INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN skipped_cancelled_by_agent INTEGER NOT NULL DEFAULT 0;

-- 2. The triggers of 0006 again, with the new columns; the rest is unchanged. The update trigger
--    still watches only status, reason, Telnyx id, segments and cost: blanking a send's
--    recipient and body (erasure, db/erasure.ts) or setting its budget columns (0008) fires
--    nothing, and a guarded update that changes no row fires nothing, as before.
DROP TRIGGER sends_report_insert;
DROP TRIGGER sends_report_update;

CREATE TRIGGER sends_report_insert AFTER INSERT ON sends BEGIN
  INSERT INTO report_daily (installation_id, day, rule_id, rule_label, total, pending, sent, delivered, failed, skipped, skipped_no_valid_number, skipped_opted_out, skipped_frequency_cap, skipped_duplicate_recipient, skipped_rule_disabled, skipped_sms_not_connected, skipped_cancelled, skipped_summary_unavailable, skipped_country_not_allowed, skipped_erased, skipped_ticket_reopened, skipped_cancelled_by_agent, failed_telnyx_rejected, failed_carrier_failed, failed_retries_exhausted, failed_outcome_unknown, parts, cost_micros, cost_currency)
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
    (NEW.status IS 'skipped' AND NEW.reason IS 'summary_unavailable'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'country_not_allowed'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'erased'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'ticket_reopened'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'cancelled_by_agent'),
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
    skipped_summary_unavailable = skipped_summary_unavailable + excluded.skipped_summary_unavailable,
    skipped_country_not_allowed = skipped_country_not_allowed + excluded.skipped_country_not_allowed,
    skipped_erased = skipped_erased + excluded.skipped_erased,
    skipped_ticket_reopened = skipped_ticket_reopened + excluded.skipped_ticket_reopened,
    skipped_cancelled_by_agent = skipped_cancelled_by_agent + excluded.skipped_cancelled_by_agent,
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
  INSERT INTO report_daily (installation_id, day, rule_id, rule_label, total, pending, sent, delivered, failed, skipped, skipped_no_valid_number, skipped_opted_out, skipped_frequency_cap, skipped_duplicate_recipient, skipped_rule_disabled, skipped_sms_not_connected, skipped_cancelled, skipped_summary_unavailable, skipped_country_not_allowed, skipped_erased, skipped_ticket_reopened, skipped_cancelled_by_agent, failed_telnyx_rejected, failed_carrier_failed, failed_retries_exhausted, failed_outcome_unknown, parts, cost_micros, cost_currency)
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
    (NEW.status IS 'skipped' AND NEW.reason IS 'summary_unavailable') - (OLD.status IS 'skipped' AND OLD.reason IS 'summary_unavailable'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'country_not_allowed') - (OLD.status IS 'skipped' AND OLD.reason IS 'country_not_allowed'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'erased') - (OLD.status IS 'skipped' AND OLD.reason IS 'erased'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'ticket_reopened') - (OLD.status IS 'skipped' AND OLD.reason IS 'ticket_reopened'),
    (NEW.status IS 'skipped' AND NEW.reason IS 'cancelled_by_agent') - (OLD.status IS 'skipped' AND OLD.reason IS 'cancelled_by_agent'),
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
    skipped_summary_unavailable = skipped_summary_unavailable + excluded.skipped_summary_unavailable,
    skipped_country_not_allowed = skipped_country_not_allowed + excluded.skipped_country_not_allowed,
    skipped_erased = skipped_erased + excluded.skipped_erased,
    skipped_ticket_reopened = skipped_ticket_reopened + excluded.skipped_ticket_reopened,
    skipped_cancelled_by_agent = skipped_cancelled_by_agent + excluded.skipped_cancelled_by_agent,
    failed_telnyx_rejected = failed_telnyx_rejected + excluded.failed_telnyx_rejected,
    failed_carrier_failed = failed_carrier_failed + excluded.failed_carrier_failed,
    failed_retries_exhausted = failed_retries_exhausted + excluded.failed_retries_exhausted,
    failed_outcome_unknown = failed_outcome_unknown + excluded.failed_outcome_unknown,
    parts = parts + excluded.parts,
    cost_micros = cost_micros + excluded.cost_micros,
    cost_currency = CASE WHEN excluded.cost_currency IS NULL OR cost_currency IS excluded.cost_currency THEN cost_currency
                         WHEN cost_currency IS NULL THEN excluded.cost_currency ELSE 'MIXED' END;
END;

-- 3. Rows written before this migration: the new columns from the sends that still exist. The
--    existing columns are left as they are. A send skipped for one of these reasons and since
--    deleted by retention stays in `skipped` of its row but in no reason column (it cannot be
--    told apart any more).
UPDATE report_daily SET
  skipped_summary_unavailable = s.summary_unavailable,
  skipped_country_not_allowed = s.country_not_allowed,
  skipped_erased = s.erased,
  skipped_ticket_reopened = s.ticket_reopened,
  skipped_cancelled_by_agent = s.cancelled_by_agent
FROM (
  SELECT installation_id, substr(created_at, 1, 10) AS day, rule_id,
    SUM((sends.reason IS 'summary_unavailable')) AS summary_unavailable,
    SUM((sends.reason IS 'country_not_allowed')) AS country_not_allowed,
    SUM((sends.reason IS 'erased')) AS erased,
    SUM((sends.reason IS 'ticket_reopened')) AS ticket_reopened,
    SUM((sends.reason IS 'cancelled_by_agent')) AS cancelled_by_agent
  FROM sends
  WHERE sends.status IS 'skipped' AND sends.reason IN ('summary_unavailable', 'country_not_allowed', 'erased', 'ticket_reopened', 'cancelled_by_agent')
  GROUP BY installation_id, substr(created_at, 1, 10), rule_id
) AS s
WHERE report_daily.installation_id = s.installation_id AND report_daily.day = s.day AND report_daily.rule_id = s.rule_id;
