CREATE TABLE "parked_events" (
	"consumer" text NOT NULL,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"stream_type" text NOT NULL,
	"stream_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"reason" text NOT NULL,
	"parked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parked_events_consumer_seq_pk" PRIMARY KEY("consumer","seq")
);
