import { MigrationInterface, QueryRunner } from "typeorm";

export class RunJobTracking1795592662612 implements MigrationInterface {
    name = 'RunJobTracking1795592662612'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" ADD "job_id" uuid`);
        await queryRunner.query(`ALTER TABLE "run" ADD "heartbeat_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "run" ADD "cancel_requested_at" TIMESTAMP WITH TIME ZONE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "cancel_requested_at"`);
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "heartbeat_at"`);
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "job_id"`);
    }

}
