import { MigrationInterface, QueryRunner } from 'typeorm';

export class ValidationRules1795620612137 implements MigrationInterface {
  name = 'ValidationRules1795620612137';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "validation_rules" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "name" character varying(200) NOT NULL,
                "rules" jsonb NOT NULL DEFAULT '{}',
                "error" jsonb,
                "applicable_to" jsonb NOT NULL DEFAULT '{}',
                "type" character varying(20) NOT NULL DEFAULT 'expression',
                "context_type" character varying(100) NOT NULL DEFAULT 'global',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_e716d3b67a48a975d22ecb7a0b5" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_validation_rules_project_created" ON "validation_rules" ("project_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "validation_rule_assignments" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "rule_id" character varying(40) NOT NULL,
                "related_object_type" character varying(40) NOT NULL,
                "related_object_id" character varying(200) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7875e9463399215d90eda8fe45b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_validation_rule_assignments_rule_created" ON "validation_rule_assignments" ("project_id", "rule_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_validation_rule_assignments_related" ON "validation_rule_assignments" ("project_id", "related_object_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_validation_rule_assignments_object" ON "validation_rule_assignments" (
                "project_id",
                "rule_id",
                "related_object_type",
                "related_object_id"
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "validation_rule_assignments"
            ADD CONSTRAINT "FK_402f14e93ff37d5ed7988e418e1" FOREIGN KEY ("rule_id") REFERENCES "validation_rules"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "validation_rule_assignments" DROP CONSTRAINT "FK_402f14e93ff37d5ed7988e418e1"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ux_validation_rule_assignments_object"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_validation_rule_assignments_related"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_validation_rule_assignments_rule_created"
        `);
    await queryRunner.query(`
            DROP TABLE "validation_rule_assignments"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_validation_rules_project_created"
        `);
    await queryRunner.query(`
            DROP TABLE "validation_rules"
        `);
  }
}
