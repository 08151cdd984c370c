ALTER TABLE "reservations" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "reservations_unconfirmed_idx" ON "reservations" USING btree ("created_at") WHERE "reservations"."status" = 'ACTIVE' and "reservations"."confirmed_at" is null;--> statement-breakpoint
-- reservations made before orders confirmed them are taken as confirmed: never release the
-- stock of an order that exists
UPDATE "reservations" SET "confirmed_at" = "updated_at" WHERE "status" <> 'RELEASED';
