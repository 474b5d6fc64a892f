import { MigrationInterface, QueryRunner } from 'typeorm';

export class Outbox1795620330813 implements MigrationInterface {
  name = 'Outbox1795620330813';

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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
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
