import { MigrationInterface, QueryRunner } from "typeorm";

export class RunTrainingNotes1796800000000 implements MigrationInterface {
    name = 'RunTrainingNotes1796800000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" ADD "training_notes" jsonb NOT NULL DEFAULT '[]'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "training_notes"`);
    }

}
