import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Head expansions stored before scaleEncoderRateBySteps and minimumSteps existed trained the
 * encoder at their rate unscaled and for their epochs exactly: say so in their settings, so that
 * they read as the typed settings do and pool with new runs of the same effective settings.
 */
export class TrainingLengthAxes1796600000000 implements MigrationInterface {
    name = 'TrainingLengthAxes1796600000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = '{"scaleEncoderRateBySteps": false, "minimumSteps": 0}'::jsonb || "settings" WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(
            `UPDATE "run" SET "settings" = "settings" - 'scaleEncoderRateBySteps' - 'minimumSteps' WHERE "kind" = 'HEAD_EXPANSION'`,
        );
    }

}
