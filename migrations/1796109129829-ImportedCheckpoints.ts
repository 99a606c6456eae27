import { MigrationInterface, QueryRunner } from "typeorm";

export class ImportedCheckpoints1796109129829 implements MigrationInterface {
    name = 'ImportedCheckpoints1796109129829'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "checkpoint" ADD "name" character varying(200)`);
        await queryRunner.query(`ALTER TABLE "checkpoint" ADD "source" jsonb`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "checkpoint" DROP COLUMN "source"`);
        await queryRunner.query(`ALTER TABLE "checkpoint" DROP COLUMN "name"`);
    }

}
