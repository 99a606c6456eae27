import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Head expansions stored before scaleEncoderRateBySteps existed trained the encoder at their rate
 * unscaled: say so in their settings, so that they read as the typed settings do and pool with new
 * runs of the same effective settings.
 */
export class EncoderRateScaling1796600000000 implements MigrationInterface {
    name = 'EncoderRateScaling1796600000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = '{"scaleEncoderRateBySteps": false}'::jsonb || "settings" WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = "settings" - 'scaleEncoderRateBySteps' WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

}
