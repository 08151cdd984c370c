ALTER TABLE "stock_movements" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "actor_name" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "line1" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "line2" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "postal_code" text;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "warehouses" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;