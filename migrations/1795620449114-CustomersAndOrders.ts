import { MigrationInterface, QueryRunner } from "typeorm";

export class CustomersAndOrders1795620449114 implements MigrationInterface {
    name = 'CustomersAndOrders1795620449114'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "customers" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "source_id" character varying(255),
                "name" character varying(255),
                "email" character varying(320),
                "phone" character varying(64),
                "description" text,
                "birthdate" date,
                "address_city" character varying(255),
                "address_state" character varying(255),
                "address_line_1" character varying(255),
                "address_line_2" character varying(255),
                "address_country" character varying(255),
                "address_postal_code" character varying(64),
                "metadata" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "redemptions_total_redeemed" integer NOT NULL DEFAULT '0',
                "redemptions_total_failed" integer NOT NULL DEFAULT '0',
                "redemptions_total_succeeded" integer NOT NULL DEFAULT '0',
                "redemptions_total_rolled_back" integer NOT NULL DEFAULT '0',
                "redemptions_total_rollback_failed" integer NOT NULL DEFAULT '0',
                "redemptions_total_rollback_succeeded" integer NOT NULL DEFAULT '0',
                "gift_redeemed_amount" bigint NOT NULL DEFAULT '0',
                "gift_amount_to_go" bigint NOT NULL DEFAULT '0',
                "loyalty_redeemed_points" bigint NOT NULL DEFAULT '0',
                "loyalty_points_to_go" bigint NOT NULL DEFAULT '0',
                "orders_total_amount" bigint NOT NULL DEFAULT '0',
                "orders_total_count" integer NOT NULL DEFAULT '0',
                "orders_last_amount" bigint NOT NULL DEFAULT '0',
                "orders_last_date" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_133ec679a801fab5e070f73d3ea" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_customers_project_email" ON "customers" ("project_id", "email")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_customers_project_updated" ON "customers" ("project_id", "updated_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_customers_project_created" ON "customers" ("project_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_customers_project_source" ON "customers" ("project_id", "source_id")
            WHERE "source_id" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "orders" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "source_id" character varying(255),
                "status" character varying(20) NOT NULL DEFAULT 'CREATED',
                "amount" bigint,
                "initial_amount" bigint,
                "discount_amount" bigint NOT NULL DEFAULT '0',
                "items" jsonb NOT NULL DEFAULT '[]'::jsonb,
                "customer_id" character varying(40),
                "referrer_id" character varying(40),
                "metadata" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "redemptions" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_710e2d4957aa5878dfe94e4ac2f" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_orders_project_customer" ON "orders" ("project_id", "customer_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_orders_project_created" ON "orders" ("project_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_orders_project_source" ON "orders" ("project_id", "source_id")
            WHERE "source_id" IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ux_orders_project_source"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_orders_project_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_orders_project_customer"
        `);
        await queryRunner.query(`
            DROP TABLE "orders"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_customers_project_source"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_customers_project_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_customers_project_updated"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_customers_project_email"
        `);
        await queryRunner.query(`
            DROP TABLE "customers"
        `);
    }

}
