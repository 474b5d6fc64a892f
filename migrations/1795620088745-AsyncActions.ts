import { MigrationInterface, QueryRunner } from "typeorm";

export class AsyncActions1795620088745 implements MigrationInterface {
    name = 'AsyncActions1795620088745'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "async_actions" (
                "id" character varying(40) NOT NULL,
                "project_id" character varying(40) NOT NULL,
                "type" character varying(60) NOT NULL,
                "status" character varying(20) NOT NULL DEFAULT 'ENQUEUED',
                "progress" integer NOT NULL DEFAULT '0',
                "result" jsonb,
                "request_id" character varying(40),
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e558ff5acbb6e5f0f4c732511e9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_async_actions_project_created" ON "async_actions" ("project_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_async_actions_project_created"
        `);
        await queryRunner.query(`
            DROP TABLE "async_actions"
        `);
    }

}
