ALTER TABLE "tracking_events" ADD COLUMN "actor_kind" text;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD COLUMN "actor_id" text;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD COLUMN "actor_name" text;