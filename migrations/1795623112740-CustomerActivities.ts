import { MigrationInterface, QueryRunner } from "typeorm";

export class CustomerActivities1795623112740 implements MigrationInterface {
    name = 'CustomerActivities1795623112740'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "customer_activities" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "customer_id" character varying(40) NOT NULL,
                "event_id" character varying(40) NOT NULL,
                "type" character varying(80) NOT NULL,
                "data" jsonb NOT NULL,
                "group_id" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_359c4a3763df0f71a998ae7cdf6" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_customer_activities_project_event_customer" ON "customer_activities" ("project_id", "event_id", "customer_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_customer_activities_project_customer_created" ON "customer_activities" ("project_id", "customer_id", "created_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_customer_activities_project_customer_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_customer_activities_project_event_customer"
        `);
        await queryRunner.query(`
            DROP TABLE "customer_activities"
        `);
    }

}
