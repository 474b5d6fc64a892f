import { MigrationInterface, QueryRunner } from "typeorm";

export class RedemptionsHoldsIdempotency1795621923842 implements MigrationInterface {
    name = 'RedemptionsHoldsIdempotency1795621923842'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "project_id" character varying(40) NOT NULL,
                "key" character varying(255) NOT NULL,
                "request_hash" character varying(64) NOT NULL,
                "status_code" integer,
                "response" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b7d758382ccdd4d6c3e0854cb14" PRIMARY KEY ("project_id", "key")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "redemptions" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "kind" character varying(20) NOT NULL,
                "result" character varying(10) NOT NULL,
                "status" character varying(12) NOT NULL,
                "parent_id" character varying(40),
                "redemption_id" character varying(40),
                "rollback_id" character varying(40),
                "rollback_date" TIMESTAMP WITH TIME ZONE,
                "voucher_id" character varying(40),
                "voucher_code" character varying(100),
                "campaign_id" character varying(40),
                "customer_id" character varying(40),
                "order_id" character varying(40),
                "tracking_id" character varying(255),
                "amount" bigint,
                "failure_code" character varying(60),
                "failure_message" text,
                "reason" text,
                "session_key" character varying(255),
                "channel_type" character varying(20) NOT NULL,
                "channel_id" character varying(60),
                "metadata" jsonb NOT NULL DEFAULT '{}',
                "order_snapshot" jsonb,
                "customer_snapshot" jsonb,
                "voucher_snapshot" jsonb,
                "date" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_def143ab94376fea5985bb04219" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_redemptions_one_rollback" ON "redemptions" ("project_id", "redemption_id")
            WHERE "kind" IN ('rollback', 'parent_rollback')
                AND "result" = 'SUCCESS'
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_redemptions_project_parent" ON "redemptions" ("project_id", "parent_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_redemptions_project_campaign" ON "redemptions" ("project_id", "campaign_id", "customer_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_redemptions_project_customer" ON "redemptions" ("project_id", "customer_id", "voucher_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_redemptions_project_voucher" ON "redemptions" ("project_id", "voucher_id", "date")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_redemptions_project_date" ON "redemptions" ("project_id", "date", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "voucher_sessions" (
                "project_id" character varying(40) NOT NULL,
                "voucher_id" character varying(40) NOT NULL,
                "key" character varying(255) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_2a06a41433959ebc45e3ce6d64d" PRIMARY KEY ("project_id", "voucher_id", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_voucher_sessions_expiry" ON "voucher_sessions" ("project_id", "voucher_id", "expires_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "vouchers"
            ADD "held_quantity" integer NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            ALTER TABLE "customers"
            ALTER COLUMN "metadata"
            SET DEFAULT '{}'::jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "orders"
            ALTER COLUMN "items"
            SET DEFAULT '[]'::jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "orders"
            ALTER COLUMN "metadata"
            SET DEFAULT '{}'::jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "orders"
            ALTER COLUMN "redemptions"
            SET DEFAULT '{}'::jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "vouchers"
            ADD CONSTRAINT "ck_vouchers_held_nonneg" CHECK ("held_quantity" >= 0)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "vouchers" DROP CONSTRAINT "ck_vouchers_held_nonneg"
        `);
        await queryRunner.query(`
            ALTER TABLE "orders"
            ALTER COLUMN "redemptions"
            SET DEFAULT '{}'
        `);
        await queryRunner.query(`
            ALTER TABLE "orders"
            ALTER COLUMN "metadata"
            SET DEFAULT '{}'
        `);
        await queryRunner.query(`
            ALTER TABLE "orders"
            ALTER COLUMN "items"
            SET DEFAULT '[]'
        `);
        await queryRunner.query(`
            ALTER TABLE "customers"
            ALTER COLUMN "metadata"
            SET DEFAULT '{}'
        `);
        await queryRunner.query(`
            ALTER TABLE "vouchers" DROP COLUMN "held_quantity"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_voucher_sessions_expiry"
        `);
        await queryRunner.query(`
            DROP TABLE "voucher_sessions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_redemptions_project_date"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_redemptions_project_voucher"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_redemptions_project_customer"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_redemptions_project_campaign"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_redemptions_project_parent"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_redemptions_one_rollback"
        `);
        await queryRunner.query(`
            DROP TABLE "redemptions"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    }

}
