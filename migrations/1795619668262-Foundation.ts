import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795619668262 implements MigrationInterface {
  name = 'Foundation1795619668262';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "kind" character varying(10) NOT NULL,
                "app_id" character varying(64) NOT NULL,
                "secret_hash" character varying(64) NOT NULL,
                "secret_hint" character varying(8) NOT NULL,
                "name" character varying(200) NOT NULL DEFAULT '',
                "allowed_origins" jsonb NOT NULL DEFAULT '[]',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "rotated_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_api_keys_project" ON "api_keys" ("project_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_api_keys_app_id" ON "api_keys" ("app_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "projects" (
                "id" character varying(40) NOT NULL,
                "name" character varying(200) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "projects"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ux_api_keys_app_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_project"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
  }
}
