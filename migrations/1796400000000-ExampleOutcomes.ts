import { MigrationInterface, QueryRunner } from "typeorm";

export class ExampleOutcomes1796400000000 implements MigrationInterface {
    name = 'ExampleOutcomes1796400000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" ADD "outcomes" jsonb`);
        await queryRunner.query(`ALTER TABLE "dataset" ADD "carved_validation_count" integer NOT NULL DEFAULT '0'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "dataset" DROP COLUMN "carved_validation_count"`);
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "outcomes"`);
    }

}
