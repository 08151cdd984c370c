CREATE INDEX "refunds_settled_idx" ON "refunds" USING btree ("settled_at");--> statement-breakpoint
CREATE INDEX "payment_captures_settled_idx" ON "payment_captures" USING btree ("settled_at");