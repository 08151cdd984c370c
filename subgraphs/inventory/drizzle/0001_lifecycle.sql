CREATE TABLE "low_stock_thresholds" (
	"sku" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"threshold" integer NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "low_stock_thresholds_sku_warehouse_id_pk" PRIMARY KEY("sku","warehouse_id"),
	CONSTRAINT "low_stock_thresholds_threshold_check" CHECK ("low_stock_thresholds"."threshold" >= 0)
);
--> statement-breakpoint
CREATE TABLE "return_restocks" (
	"return_id" text NOT NULL,
	"warehouse_id" text NOT NULL,
	"request_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "return_restocks_return_id_warehouse_id_pk" PRIMARY KEY("return_id","warehouse_id")
);
--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "on_hand_change" integer;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "reserved_change" integer;--> statement-breakpoint
-- movements recorded before the ledger kept signed changes: their kind says what they did
UPDATE "stock_movements" SET
	"kind" = CASE "kind" WHEN 'RECEIVED' THEN 'RECEIPT' WHEN 'RESERVED' THEN 'RESERVATION' WHEN 'RELEASED' THEN 'RELEASE' WHEN 'SHIPPED' THEN 'SALE' ELSE "kind" END,
	"on_hand_change" = CASE "kind" WHEN 'RECEIVED' THEN "quantity" WHEN 'SHIPPED' THEN -"quantity" ELSE 0 END,
	"reserved_change" = CASE "kind" WHEN 'RESERVED' THEN "quantity" WHEN 'RELEASED' THEN -"quantity" WHEN 'SHIPPED' THEN -"quantity" ELSE 0 END;--> statement-breakpoint
ALTER TABLE "stock_movements" ALTER COLUMN "on_hand_change" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_movements" ALTER COLUMN "reserved_change" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "low_stock_thresholds" ADD CONSTRAINT "low_stock_thresholds_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_restocks" ADD CONSTRAINT "return_restocks_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_change_check" CHECK ("stock_movements"."on_hand_change" <> 0 or "stock_movements"."reserved_change" <> 0);