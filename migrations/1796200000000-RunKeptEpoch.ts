import { MigrationInterface, QueryRunner } from "typeorm";

export class RunKeptEpoch1796200000000 implements MigrationInterface {
    name = 'RunKeptEpoch1796200000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" ADD "kept_epoch" integer`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run" DROP COLUMN "kept_epoch"`);
    }

}
