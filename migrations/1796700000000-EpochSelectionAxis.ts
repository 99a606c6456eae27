import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Head expansions stored before epochSelection existed kept their last epoch (or early stopping's
 * best): say so in their settings, so that they read as the typed settings do and pool with new
 * runs of the same effective settings.
 */
export class EpochSelectionAxis1796700000000 implements MigrationInterface {
    name = 'EpochSelectionAxis1796700000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = '{"epochSelection": "LAST"}'::jsonb || "settings" WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = "settings" - 'epochSelection' WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

}
