-- Carriers are reference data every environment needs, so they ship with the schema.
-- "ogx" is the built-in carrier for tests and demos; its tracking pages live on example.com.
INSERT INTO "carriers" ("code", "name", "tracking_url_template") VALUES
	('ups', 'UPS', 'https://www.ups.com/track?tracknum={trackingNumber}'),
	('fedex', 'FedEx', 'https://www.fedex.com/fedextrack/?trknbr={trackingNumber}'),
	('dhl', 'DHL Express', 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={trackingNumber}'),
	('usps', 'USPS', 'https://tools.usps.com/go/TrackConfirmAction?tLabels={trackingNumber}'),
	('ogx', 'OrderGraph Express', 'https://tracking.example.com/ogx/{trackingNumber}')
ON CONFLICT ("code") DO NOTHING;
