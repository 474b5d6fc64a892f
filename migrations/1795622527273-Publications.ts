import { MigrationInterface, QueryRunner } from "typeorm";

export class Publications1795622527273 implements MigrationInterface {
    name = 'Publications1795622527273'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "publications" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "campaign_id" character varying(40),
                "customer_id" character varying(40),
                "tracking_id" character varying(255),
                "source_id" character varying(255),
                "channel" character varying(100) NOT NULL,
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "result" character varying(10) NOT NULL,
                "failure_code" character varying(100),
                "failure_message" text,
                "join_once" boolean NOT NULL DEFAULT false,
                "voucher_code" character varying(100),
                "voucher_type" character varying(20),
                "is_referral_code" boolean,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2c4e732b044e09139d2f1065fae" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_publications_project_join_once" ON "publications" ("project_id", "campaign_id", "customer_id")
            WHERE "join_once"
                AND "result" = 'SUCCESS'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_publications_project_source" ON "publications" ("project_id", "source_id")
            WHERE "source_id" IS NOT NULL
                AND "result" = 'SUCCESS'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_publications_project_campaign_customer" ON "publications" ("project_id", "campaign_id", "customer_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_publications_project_customer" ON "publications" ("project_id", "customer_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_publications_project_created" ON "publications" ("project_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "publication_vouchers" (
                "project_id" character varying(40) NOT NULL,
                "publication_id" character varying(40) NOT NULL,
                "position" integer NOT NULL,
                "voucher_id" character varying(40) NOT NULL,
                "voucher_code" character varying(100) NOT NULL,
                CONSTRAINT "PK_030b72400beaf8b0c8ad27da2f0" PRIMARY KEY ("project_id", "publication_id", "position")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_publication_vouchers_project_code" ON "publication_vouchers" ("project_id", "voucher_code")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_publication_vouchers_project_voucher" ON "publication_vouchers" ("project_id", "voucher_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_vouchers_project_campaign_free" ON "vouchers" ("project_id", "campaign_id")
            WHERE "holder_id" IS NULL
                AND "deleted_at" IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_vouchers_project_campaign_free"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_publication_vouchers_project_voucher"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_publication_vouchers_project_code"
        `);
        await queryRunner.query(`
            DROP TABLE "publication_vouchers"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_publications_project_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_publications_project_customer"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_publications_project_campaign_customer"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_publications_project_source"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_publications_project_join_once"
        `);
        await queryRunner.query(`
            DROP TABLE "publications"
        `);
    }

}
