import { MigrationInterface, QueryRunner } from 'typeorm';

export class DashboardBackend1795621635978 implements MigrationInterface {
  name = 'DashboardBackend1795621635978';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "management_keys" (
                "id" character varying(40) NOT NULL,
                "management_id" character varying(64) NOT NULL,
                "secret_hash" character varying(64) NOT NULL,
                "secret_hint" character varying(8) NOT NULL,
                "name" character varying(200) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_b061efa8cb5467990b9a6ef11c4" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_management_keys_management_id" ON "management_keys" ("management_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "audit_ledger" (
                "project_id" character varying(40) NOT NULL,
                "seq" bigint NOT NULL,
                "type" character varying(20) NOT NULL,
                "voucher_id" character varying(40),
                "entry" jsonb NOT NULL,
                "prev_hash" character(64) NOT NULL,
                "hash" character(64) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b1eb34bf2251ee0ffa6c24c7d68" PRIMARY KEY ("project_id", "seq")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_ledger_project_voucher" ON "audit_ledger" ("project_id", "voucher_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "audit_ledger_heads" (
                "project_id" character varying(40) NOT NULL,
                "seq" bigint NOT NULL DEFAULT '0',
                "hash" character(64) NOT NULL,
                CONSTRAINT "PK_2a2f191c09818223d2f06db0738" PRIMARY KEY ("project_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "audit_log" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40),
                "actor_type" character varying(20) NOT NULL,
                "actor_id" character varying(40),
                "route" character varying(300),
                "request_id" character varying(40),
                "entity_type" character varying(60) NOT NULL,
                "entity_id" character varying(120),
                "action" character varying(30) NOT NULL,
                "diff" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_log_project_actor" ON "audit_log" ("project_id", "actor_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_log_project_entity" ON "audit_log" ("project_id", "entity_type", "entity_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_log_project_created" ON "audit_log" ("project_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "exports" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "exported_object" character varying(40) NOT NULL,
                "parameters" jsonb NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'SCHEDULED',
                "channel" character varying(20) NOT NULL DEFAULT 'API',
                "download_token" character varying(64) NOT NULL,
                "row_count" bigint,
                "snapshot_at" TIMESTAMP WITH TIME ZONE,
                "error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_bcf8528d214cbfc68c01f337511" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_exports_project_created" ON "exports" ("project_id", "created_at", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "projects"
            ADD "deleted_at" TIMESTAMP WITH TIME ZONE
        `);
    // Append-only audit tables: the app's role may own them (so REVOKE cannot bind it), a
    // trigger refuses every UPDATE, DELETE and TRUNCATE whoever sends it.
    await queryRunner.query(`
            CREATE FUNCTION "audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
        `);
    for (const table of ['audit_log', 'audit_ledger']) {
      await queryRunner.query(`
                CREATE TRIGGER "trg_${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}"
                FOR EACH ROW EXECUTE FUNCTION "audit_append_only"()
            `);
      await queryRunner.query(`
                CREATE TRIGGER "trg_${table}_no_truncate" BEFORE TRUNCATE ON "${table}"
                FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"()
            `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'audit_ledger']) {
      await queryRunner.query(`DROP TRIGGER "trg_${table}_no_truncate" ON "${table}"`);
      await queryRunner.query(`DROP TRIGGER "trg_${table}_append_only" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION "audit_append_only"()`);
    await queryRunner.query(`
            ALTER TABLE "projects" DROP COLUMN "deleted_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_exports_project_created"
        `);
    await queryRunner.query(`
            DROP TABLE "exports"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_log_project_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_log_project_entity"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_log_project_actor"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_log"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_ledger_heads"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_ledger_project_voucher"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_ledger"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ux_management_keys_management_id"
        `);
    await queryRunner.query(`
            DROP TABLE "management_keys"
        `);
  }
}
