CREATE TABLE "purchase_order_lines" (
	"purchase_order_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"position" integer NOT NULL,
	"supplier_sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_cost_minor" integer NOT NULL,
	"lead_time_days" integer NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"damaged" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "purchase_order_lines_purchase_order_id_sku_pk" PRIMARY KEY("purchase_order_id","sku"),
	CONSTRAINT "purchase_order_lines_quantity_check" CHECK ("purchase_order_lines"."quantity" > 0),
	CONSTRAINT "purchase_order_lines_received_check" CHECK ("purchase_order_lines"."received" >= 0),
	CONSTRAINT "purchase_order_lines_damaged_check" CHECK ("purchase_order_lines"."damaged" >= 0)
);
--> statement-breakpoint
CREATE TABLE "purchase_order_receipt_lines" (
	"receipt_id" bigint NOT NULL,
	"sku" text NOT NULL,
	"position" integer NOT NULL,
	"quantity" integer NOT NULL,
	"damaged" integer NOT NULL,
	"unit_cost_minor" integer NOT NULL,
	CONSTRAINT "purchase_order_receipt_lines_receipt_id_sku_pk" PRIMARY KEY("receipt_id","sku"),
	CONSTRAINT "purchase_order_receipt_lines_units_check" CHECK ("purchase_order_receipt_lines"."quantity" >= 0 and "purchase_order_receipt_lines"."damaged" >= 0 and "purchase_order_receipt_lines"."quantity" + "purchase_order_receipt_lines"."damaged" > 0)
);
--> statement-breakpoint
CREATE TABLE "purchase_order_receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"received_by" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"warehouse_id" text NOT NULL,
	"status" text DEFAULT 'DRAFT' NOT NULL,
	"currency_code" text NOT NULL,
	"created_by" text,
	"cancel_reason" text,
	"expected_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supplier_items" (
	"supplier_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"supplier_sku" text NOT NULL,
	"unit_cost_minor" integer NOT NULL,
	"minimum_order_quantity" integer NOT NULL,
	"pack_size" integer NOT NULL,
	"lead_time_days" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_items_supplier_id_sku_pk" PRIMARY KEY("supplier_id","sku"),
	CONSTRAINT "supplier_items_unit_cost_check" CHECK ("supplier_items"."unit_cost_minor" >= 0),
	CONSTRAINT "supplier_items_moq_check" CHECK ("supplier_items"."minimum_order_quantity" >= 1),
	CONSTRAINT "supplier_items_pack_size_check" CHECK ("supplier_items"."pack_size" >= 1)
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"contact_email" text NOT NULL,
	"currency_code" text NOT NULL,
	"lead_time_days" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppliers_lead_time_check" CHECK ("suppliers"."lead_time_days" >= 0)
);
--> statement-breakpoint
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_receipt_lines" ADD CONSTRAINT "purchase_order_receipt_lines_receipt_id_purchase_order_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."purchase_order_receipts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_order_receipts" ADD CONSTRAINT "purchase_order_receipts_purchase_order_id_purchase_orders_id_fk" FOREIGN KEY ("purchase_order_id") REFERENCES "public"."purchase_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_warehouse_id_warehouses_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."warehouses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_items" ADD CONSTRAINT "supplier_items_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "purchase_order_lines_sku_idx" ON "purchase_order_lines" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "purchase_order_receipts_order_idx" ON "purchase_order_receipts" USING btree ("purchase_order_id","id");--> statement-breakpoint
CREATE INDEX "purchase_orders_created_idx" ON "purchase_orders" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "purchase_orders_warehouse_status_idx" ON "purchase_orders" USING btree ("warehouse_id","status");--> statement-breakpoint
CREATE INDEX "purchase_orders_supplier_idx" ON "purchase_orders" USING btree ("supplier_id","created_at");--> statement-breakpoint
CREATE INDEX "supplier_items_sku_idx" ON "supplier_items" USING btree ("sku");--> statement-breakpoint
CREATE INDEX "suppliers_name_idx" ON "suppliers" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "stock_movements_sales_idx" ON "stock_movements" USING btree ("warehouse_id","sku","occurred_at") WHERE "stock_movements"."kind" = 'SALE';