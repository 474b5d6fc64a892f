import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProjectRateLimits1795620401240 implements MigrationInterface {
  name = 'ProjectRateLimits1795620401240';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "project_rate_limits" (
                "project_id" character varying(40) NOT NULL,
                "plan" character varying(20) NOT NULL DEFAULT 'default',
                "per_minute" integer,
                "burst" integer,
                "inflight_max" integer,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_85d942f1873c74984b84af8118f" PRIMARY KEY ("project_id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "project_rate_limits"
        `);
  }
}
