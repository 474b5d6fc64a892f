import { MigrationInterface, QueryRunner } from "typeorm";

export class ReportRollups1795624965921 implements MigrationInterface {
    name = 'ReportRollups1795624965921'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "redemption_rollups_hourly" (
                "project_id" character varying(40) NOT NULL,
                "campaign_id" character varying(40) NOT NULL,
                "hour" TIMESTAMP WITH TIME ZONE NOT NULL,
                "succeeded" integer NOT NULL DEFAULT '0',
                "failed" integer NOT NULL DEFAULT '0',
                "rolled_back" integer NOT NULL DEFAULT '0',
                "discount_amount" bigint NOT NULL DEFAULT '0',
                "gift_amount" bigint NOT NULL DEFAULT '0',
                "rolled_back_discount_amount" bigint NOT NULL DEFAULT '0',
                "rolled_back_gift_amount" bigint NOT NULL DEFAULT '0',
                "failures_by_code" jsonb NOT NULL DEFAULT '{}',
                CONSTRAINT "PK_318897d1f15a2b2fb9b88962c00" PRIMARY KEY ("project_id", "campaign_id", "hour")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "redemption_rollups_daily" (
                "project_id" character varying(40) NOT NULL,
                "dimension" character varying(10) NOT NULL,
                "dimension_id" character varying(40) NOT NULL,
                "day" date NOT NULL,
                "campaign_id" character varying(40) NOT NULL,
                "succeeded" integer NOT NULL DEFAULT '0',
                "failed" integer NOT NULL DEFAULT '0',
                "rolled_back" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_da0117e5d2686cd8927055155e6" PRIMARY KEY (
                    "project_id",
                    "dimension",
                    "dimension_id",
                    "day",
                    "campaign_id"
                )
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_redemption_rollups_daily_project_dimension_day" ON "redemption_rollups_daily" ("project_id", "dimension", "day")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_redemption_rollups_daily_project_dimension_day"
        `);
        await queryRunner.query(`
            DROP TABLE "redemption_rollups_daily"
        `);
        await queryRunner.query(`
            DROP TABLE "redemption_rollups_hourly"
        `);
    }

}
