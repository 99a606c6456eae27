import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Head expansions stored before tokenDropout, headWeightDecay, biasCalibration and
 * balanceNewLabels existed ran without them: say so in their settings, so that they read as the
 * typed settings do and pool with new runs of the same effective settings.
 */
export class NewStrategyAxes1796500000000 implements MigrationInterface {
    name = 'NewStrategyAxes1796500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = '{"tokenDropout": 0, "headWeightDecay": 0, "biasCalibration": null, "balanceNewLabels": false}'::jsonb || "settings" WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = "settings" - 'tokenDropout' - 'headWeightDecay' - 'biasCalibration' - 'balanceNewLabels' WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

}
