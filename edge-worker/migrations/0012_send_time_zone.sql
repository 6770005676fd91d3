-- The recipient's IANA time zone as known when the send was planned (the Zendesk user's, else
-- NULL: the installation's quiet-hours zone applies). A send held for the daily budget is
-- released at the next UTC midnight or when an admin raises the budget; quiet hours apply at that
-- moment in this zone (pipeline/send-delay.ts), without reading the ticket again.
ALTER TABLE sends ADD COLUMN recipient_time_zone TEXT;
