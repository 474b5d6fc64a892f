import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxAndWebhooks1795621803277 implements MigrationInterface {
  name = 'OutboxAndWebhooks1795621803277';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "events" (
                "id" character varying(40) NOT NULL,
                "seq" BIGSERIAL NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "type" character varying(100) NOT NULL,
                "entity_id" character varying(100),
                "group_id" character varying(64),
                "payload" jsonb NOT NULL,
                "source" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "relayed_at" TIMESTAMP WITH TIME ZONE,
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "attempts" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_events_project_created" ON "events" ("project_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_events_unrelayed" ON "events" ("seq")
            WHERE "relayed_at" IS NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "processed_events" (
                "project_id" character varying(40) NOT NULL,
                "event_id" character varying(40) NOT NULL,
                "handler" character varying(60) NOT NULL,
                "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9e9981fc6a88d016adf5fc611cc" PRIMARY KEY ("project_id", "event_id", "handler")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "webhook_id" character varying(40) NOT NULL,
                "event_id" character varying(40) NOT NULL,
                "event_type" character varying(100) NOT NULL,
                "status" character varying(12) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "response_status" integer,
                "error" character varying(500),
                "duration_ms" integer,
                "next_attempt_at" TIMESTAMP WITH TIME ZONE DEFAULT now(),
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at")
            WHERE "status" IN ('pending', 'retrying')
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_webhook_created" ON "webhook_deliveries" ("project_id", "webhook_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_webhook_deliveries_event" ON "webhook_deliveries" ("project_id", "webhook_id", "event_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "target_url" character varying(2048) NOT NULL,
                "events" jsonb NOT NULL,
                "secret" character varying(80) NOT NULL,
                "active" boolean NOT NULL DEFAULT true,
                "disabled_reason" character varying(200),
                "consecutive_failures" integer NOT NULL DEFAULT '0',
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_webhook_endpoints_project_created" ON "webhook_endpoints" ("project_id", "created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_endpoints_project_created"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ux_webhook_deliveries_event"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_webhook_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_due"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
    await queryRunner.query(`
            DROP TABLE "processed_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_events_unrelayed"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_events_project_created"
        `);
    await queryRunner.query(`
            DROP TABLE "events"
        `);
  }
}
