ALTER TABLE "order_requests" ADD COLUMN "steps" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "order_requests" ADD COLUMN "authorization_id" text;--> statement-breakpoint
ALTER TABLE "order_requests" ADD COLUMN "settled_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "order_requests_unsettled_idx" ON "order_requests" USING btree ("claimed_at") WHERE "order_requests"."settled_at" is null;--> statement-breakpoint
-- requests completed before steps were recorded have nothing left to do: the inventory's own
-- migration confirms the reservations held then
UPDATE "order_requests" SET "settled_at" = "completed_at" WHERE "status" = 'COMPLETED';--> statement-breakpoint
-- a pending one may have begun any step: recovery undoes them all, and undoing a step that was
-- never made changes nothing
UPDATE "order_requests" SET "steps" = '{QUOTED,PROMO_REDEEMED,STOCK_RESERVED,PAYMENT_AUTHORIZED}'::text[] WHERE "status" = 'PENDING';
