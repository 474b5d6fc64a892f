import { MigrationInterface, QueryRunner } from "typeorm";

export class LedgerPending1796641119316 implements MigrationInterface {
    name = 'LedgerPending1796641119316'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "audit_ledger_pending" (
                "id" BIGSERIAL NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "type" character varying(20) NOT NULL,
                "voucher_id" character varying(40),
                "entry" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_84067c0bc661a30910c468c41b0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_audit_ledger_pending_project" ON "audit_ledger_pending" ("project_id", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_audit_ledger_pending_project"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_ledger_pending"
        `);
    }

}
