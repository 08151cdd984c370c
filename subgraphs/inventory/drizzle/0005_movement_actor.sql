ALTER TABLE "stock_movements" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "actor_name" text;