import { MigrationInterface, QueryRunner } from "typeorm";

export class ApiKeys1795594357955 implements MigrationInterface {
    name = 'ApiKeys1795594357955'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."api_key_role" AS ENUM('VIEWER', 'RESEARCHER', 'ADMIN')`);
        await queryRunner.query(`CREATE TABLE "api_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "role" "public"."api_key_role" NOT NULL, "prefix" character varying(16) NOT NULL, "secret_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_c4f6ccad30c0862eb54af9fb0ac" UNIQUE ("prefix"), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
        await queryRunner.query(`ALTER TABLE "run" ADD "created_by_key_id" uuid`);
        await queryRunner.query(`CREATE INDEX "run_created_by_key" ON "run"  ("created_by_key_id") `);
        await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "FK_05cb0a8d723ef6e32b5dd0ab889" FOREIGN KEY ("created_by_key_id") REFERENCES "api_key"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "FK_05cb0a8d723ef6e32b5dd0ab889"`);
        await queryRunner.query(`DROP INDEX "public"."run_created_by_key"`);
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "created_by_key_id"`);
        await queryRunner.query(`DROP TABLE "api_key"`);
        await queryRunner.query(`DROP TYPE "public"."api_key_role"`);
    }

}
