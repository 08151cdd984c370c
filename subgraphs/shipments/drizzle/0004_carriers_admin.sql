ALTER TABLE "carriers" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "carriers" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "carriers" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;