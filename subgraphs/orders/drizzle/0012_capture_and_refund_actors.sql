ALTER TABLE "refunds" ADD COLUMN "actor" jsonb;--> statement-breakpoint
ALTER TABLE "payment_captures" ADD COLUMN "actor" jsonb;