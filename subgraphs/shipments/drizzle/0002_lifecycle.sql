CREATE TABLE "cancelled_orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"cancelled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "shipments" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();--> statement-breakpoint
ALTER TABLE "shipments" ALTER COLUMN "updated_at" SET DEFAULT clock_timestamp();--> statement-breakpoint
ALTER TABLE "carriers" ADD COLUMN "transit_days" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "status_reported_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_order_warehouse_key" ON "shipments" USING btree ("order_id","warehouse_id");--> statement-breakpoint
-- the reference carriers' usual transit times, for a shipment's expected delivery date
UPDATE "carriers" SET "transit_days" = CASE "code"
	WHEN 'ups' THEN 3
	WHEN 'fedex' THEN 2
	WHEN 'dhl' THEN 2
	WHEN 'usps' THEN 4
	WHEN 'ogx' THEN 2
	ELSE "transit_days" END;
