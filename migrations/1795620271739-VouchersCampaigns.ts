import { MigrationInterface, QueryRunner } from "typeorm";

export class VouchersCampaigns1795620271739 implements MigrationInterface {
    name = 'VouchersCampaigns1795620271739'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "campaigns" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "name" character varying(200) NOT NULL,
                "description" text,
                "campaign_type" character varying(30) NOT NULL,
                "type" character varying(20) NOT NULL,
                "voucher" jsonb NOT NULL,
                "vouchers_count" integer NOT NULL DEFAULT '0',
                "join_once" boolean NOT NULL DEFAULT false,
                "auto_join" boolean NOT NULL DEFAULT false,
                "use_voucher_metadata_schema" boolean NOT NULL DEFAULT false,
                "activity_duration_after_publishing" character varying(40),
                "start_date" TIMESTAMP WITH TIME ZONE,
                "expiration_date" TIMESTAMP WITH TIME ZONE,
                "validity_timeframe" jsonb,
                "validity_day_of_week" jsonb,
                "validity_hours" jsonb,
                "active" boolean NOT NULL DEFAULT true,
                "category" character varying(200),
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "validation_rules" jsonb NOT NULL DEFAULT '[]',
                "generation_status" character varying(20) NOT NULL DEFAULT 'DONE',
                "generation_failure" text,
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_831e3fcd4fc45b4e4c3f57a9ee4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_campaigns_project_created" ON "campaigns" ("project_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_campaigns_project_name" ON "campaigns" ("project_id", "name")
        `);
        await queryRunner.query(`
            CREATE TABLE "voucher_transactions" (
                "id" character varying(40) NOT NULL,
                "seq" BIGSERIAL NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "voucher_id" character varying(40) NOT NULL,
                "campaign_id" character varying(40),
                "source_id" character varying(200),
                "source" character varying(40),
                "reason" text,
                "type" character varying(40) NOT NULL,
                "amount" bigint NOT NULL,
                "balance" bigint NOT NULL,
                "total" bigint NOT NULL,
                "related_transaction_id" character varying(40),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_bfa30e1f6c7c5f8b5a56fe8763d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_voucher_transactions_voucher" ON "voucher_transactions" ("project_id", "voucher_id", "seq")
        `);
        await queryRunner.query(`
            CREATE TABLE "vouchers" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "code" character varying(100) NOT NULL,
                "campaign_id" character varying(40),
                "type" character varying(20) NOT NULL,
                "discount" jsonb,
                "gift_amount" bigint,
                "gift_subtracted" bigint,
                "gift_balance" bigint,
                "gift_effect" character varying(40),
                "category" character varying(200),
                "start_date" TIMESTAMP WITH TIME ZONE,
                "expiration_date" TIMESTAMP WITH TIME ZONE,
                "validity_timeframe" jsonb,
                "validity_day_of_week" jsonb,
                "validity_hours" jsonb,
                "active" boolean NOT NULL DEFAULT true,
                "additional_info" text,
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "redemption_quantity" integer,
                "redeemed_quantity" integer NOT NULL DEFAULT '0',
                "redeemed_amount" bigint NOT NULL DEFAULT '0',
                "publish_count" integer NOT NULL DEFAULT '0',
                "holder_id" character varying(40),
                "is_referral_code" boolean NOT NULL DEFAULT false,
                "validation_rules" jsonb NOT NULL DEFAULT '[]',
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "ck_vouchers_gift_balance" CHECK (
                    "gift_balance" IS NULL
                    OR "gift_balance" >= 0
                ),
                CONSTRAINT "ck_vouchers_redeemed_nonneg" CHECK ("redeemed_quantity" >= 0),
                CONSTRAINT "ck_vouchers_redeemed_quantity" CHECK (
                    "redemption_quantity" IS NULL
                    OR "redeemed_quantity" <= "redemption_quantity"
                ),
                CONSTRAINT "PK_ed1b7dd909a696560763acdbc04" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_vouchers_project_created" ON "vouchers" ("project_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_vouchers_project_campaign" ON "vouchers" ("project_id", "campaign_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_vouchers_project_code" ON "vouchers" ("project_id", "code")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_vouchers_project_code"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_vouchers_project_campaign"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_vouchers_project_created"
        `);
        await queryRunner.query(`
            DROP TABLE "vouchers"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_voucher_transactions_voucher"
        `);
        await queryRunner.query(`
            DROP TABLE "voucher_transactions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_campaigns_project_name"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_campaigns_project_created"
        `);
        await queryRunner.query(`
            DROP TABLE "campaigns"
        `);
    }

}
