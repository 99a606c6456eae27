import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795590534813 implements MigrationInterface {
    name = 'Initial1795590534813'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "label_set" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "version" integer NOT NULL, "parent_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f809a281e62897525280a97b17b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "label_set_parent" ON "label_set"  ("parent_id") `);
        await queryRunner.query(`CREATE TYPE "public"."dataset_format" AS ENUM('CSV', 'JSONL')`);
        await queryRunner.query(`CREATE TABLE "dataset" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "format" "public"."dataset_format" NOT NULL, "text_column" character varying(200) NOT NULL, "label_column" character varying(200) NOT NULL, "split_column" character varying(200), "example_count" integer NOT NULL, "generated_split_count" integer NOT NULL, "content_sha256" character(64) NOT NULL, "size_bytes" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_109fd11edd246e0465d2e7e76a1" UNIQUE ("name"), CONSTRAINT "PK_36c1c67adb3d1dd69ae57f18913" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "experiment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "description" text NOT NULL DEFAULT '', "base_checkpoint_id" uuid, "target_label_set_id" uuid NOT NULL, "dataset_id" uuid NOT NULL, "tags" text array NOT NULL DEFAULT '{}', "archived_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4f6eec215c62eec1e0fde987caf" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "experiment_created" ON "experiment"  ("created_at", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."run_kind" AS ENUM('BASE_TRAINING', 'HEAD_EXPANSION')`);
        await queryRunner.query(`CREATE TYPE "public"."run_status" AS ENUM('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')`);
        await queryRunner.query(`CREATE TABLE "run" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" "public"."run_kind" NOT NULL, "status" "public"."run_status" NOT NULL DEFAULT 'QUEUED', "experiment_id" uuid, "dataset_id" uuid NOT NULL, "label_set_id" uuid NOT NULL, "base_checkpoint_id" uuid, "seed" integer NOT NULL, "settings" jsonb NOT NULL, "backend" character varying(50), "versions" jsonb, "final_metrics" jsonb, "per_label_accuracy" jsonb, "error" text, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_804c38ffba92002c6d2c646dd46" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "run_status" ON "run"  ("status") `);
        await queryRunner.query(`CREATE INDEX "run_created" ON "run"  ("created_at", "id") `);
        await queryRunner.query(`CREATE INDEX "run_experiment_created" ON "run"  ("experiment_id", "created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "checkpoint" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "label_set_id" uuid NOT NULL, "parent_id" uuid, "produced_by_run_id" uuid, "encoder" jsonb NOT NULL, "artifact_path" text NOT NULL, "size_bytes" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "REL_3c6cde38236c2809efb12047b5" UNIQUE ("produced_by_run_id"), CONSTRAINT "PK_fea86db187949398f8b614f730a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "checkpoint_label_set" ON "checkpoint"  ("label_set_id") `);
        await queryRunner.query(`CREATE INDEX "checkpoint_parent" ON "checkpoint"  ("parent_id") `);
        await queryRunner.query(`CREATE TABLE "dataset_label" ("dataset_id" uuid NOT NULL, "label" text NOT NULL, "train" integer NOT NULL, "validation" integer NOT NULL, "test" integer NOT NULL, CONSTRAINT "PK_3cde55953965e9437c5dfdafcfb" PRIMARY KEY ("dataset_id", "label"))`);
        await queryRunner.query(`CREATE TABLE "epoch_metric" ("run_id" uuid NOT NULL, "epoch" integer NOT NULL, "loss" double precision NOT NULL, "old_accuracy" double precision, "new_accuracy" double precision, "overall_accuracy" double precision NOT NULL, "macro_f1" double precision NOT NULL, "forgetting" double precision, "intrusion" double precision, "old_logit_drift" double precision, "seconds" double precision NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cac7d60b0699de561c1c741aa6f" PRIMARY KEY ("run_id", "epoch"))`);
        await queryRunner.query(`CREATE TYPE "public"."split" AS ENUM('train', 'validation', 'test')`);
        await queryRunner.query(`CREATE TABLE "example" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "dataset_id" uuid NOT NULL, "ordinal" integer NOT NULL, "text" text NOT NULL, "label" text NOT NULL, "split" "public"."split" NOT NULL, CONSTRAINT "example_dataset_ordinal_unique" UNIQUE ("dataset_id", "ordinal"), CONSTRAINT "PK_608dd5fd6f0783062b07346ed1c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "example_dataset_split_label" ON "example"  ("dataset_id", "split", "label") `);
        await queryRunner.query(`CREATE TABLE "label" ("label_set_id" uuid NOT NULL, "index" integer NOT NULL, "name" text NOT NULL, CONSTRAINT "label_label_set_name_unique" UNIQUE ("label_set_id", "name"), CONSTRAINT "PK_c5161ede184ab5f84f5f3ddb021" PRIMARY KEY ("label_set_id", "index"))`);
        await queryRunner.query(`ALTER TABLE "label_set" ADD CONSTRAINT "FK_28903e6be8e148226d9fb5a1010" FOREIGN KEY ("parent_id") REFERENCES "label_set"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "experiment" ADD CONSTRAINT "FK_e560163904b2412dc0ef2072695" FOREIGN KEY ("base_checkpoint_id") REFERENCES "checkpoint"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "experiment" ADD CONSTRAINT "FK_810708de45b564dea32d5cc4658" FOREIGN KEY ("target_label_set_id") REFERENCES "label_set"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "experiment" ADD CONSTRAINT "FK_2b189c545cbb2248d6011c9ff9f" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "FK_44676dc87e385ef65c7526fb360" FOREIGN KEY ("experiment_id") REFERENCES "experiment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "FK_f78a8ed2708168d2ccd5d429d6e" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "FK_7838a6f034d54276c4ad43298c4" FOREIGN KEY ("label_set_id") REFERENCES "label_set"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "run" ADD CONSTRAINT "FK_5c1a1604908f94e73c9d4d0b59f" FOREIGN KEY ("base_checkpoint_id") REFERENCES "checkpoint"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "checkpoint" ADD CONSTRAINT "FK_c187afcf817815581ba13a7cc9a" FOREIGN KEY ("label_set_id") REFERENCES "label_set"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "checkpoint" ADD CONSTRAINT "FK_338b3de3acd1a0ef11556dff8de" FOREIGN KEY ("parent_id") REFERENCES "checkpoint"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "checkpoint" ADD CONSTRAINT "FK_3c6cde38236c2809efb12047b5f" FOREIGN KEY ("produced_by_run_id") REFERENCES "run"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "dataset_label" ADD CONSTRAINT "FK_c5cf6e06ca9189d4dfa85e8f43c" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "epoch_metric" ADD CONSTRAINT "FK_d900e572e9f46eee6b7c9d05ceb" FOREIGN KEY ("run_id") REFERENCES "run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "example" ADD CONSTRAINT "FK_bc2ffefe17b60e4a6a6a7f7567d" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "label" ADD CONSTRAINT "FK_ef120572171c39d258db3da894f" FOREIGN KEY ("label_set_id") REFERENCES "label_set"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "label" DROP CONSTRAINT "FK_ef120572171c39d258db3da894f"`);
        await queryRunner.query(`ALTER TABLE "example" DROP CONSTRAINT "FK_bc2ffefe17b60e4a6a6a7f7567d"`);
        await queryRunner.query(`ALTER TABLE "epoch_metric" DROP CONSTRAINT "FK_d900e572e9f46eee6b7c9d05ceb"`);
        await queryRunner.query(`ALTER TABLE "dataset_label" DROP CONSTRAINT "FK_c5cf6e06ca9189d4dfa85e8f43c"`);
        await queryRunner.query(`ALTER TABLE "checkpoint" DROP CONSTRAINT "FK_3c6cde38236c2809efb12047b5f"`);
        await queryRunner.query(`ALTER TABLE "checkpoint" DROP CONSTRAINT "FK_338b3de3acd1a0ef11556dff8de"`);
        await queryRunner.query(`ALTER TABLE "checkpoint" DROP CONSTRAINT "FK_c187afcf817815581ba13a7cc9a"`);
        await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "FK_5c1a1604908f94e73c9d4d0b59f"`);
        await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "FK_7838a6f034d54276c4ad43298c4"`);
        await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "FK_f78a8ed2708168d2ccd5d429d6e"`);
        await queryRunner.query(`ALTER TABLE "run" DROP CONSTRAINT "FK_44676dc87e385ef65c7526fb360"`);
        await queryRunner.query(`ALTER TABLE "experiment" DROP CONSTRAINT "FK_2b189c545cbb2248d6011c9ff9f"`);
        await queryRunner.query(`ALTER TABLE "experiment" DROP CONSTRAINT "FK_810708de45b564dea32d5cc4658"`);
        await queryRunner.query(`ALTER TABLE "experiment" DROP CONSTRAINT "FK_e560163904b2412dc0ef2072695"`);
        await queryRunner.query(`ALTER TABLE "label_set" DROP CONSTRAINT "FK_28903e6be8e148226d9fb5a1010"`);
        await queryRunner.query(`DROP TABLE "label"`);
        await queryRunner.query(`DROP INDEX "public"."example_dataset_split_label"`);
        await queryRunner.query(`DROP TABLE "example"`);
        await queryRunner.query(`DROP TYPE "public"."split"`);
        await queryRunner.query(`DROP TABLE "epoch_metric"`);
        await queryRunner.query(`DROP TABLE "dataset_label"`);
        await queryRunner.query(`DROP INDEX "public"."checkpoint_parent"`);
        await queryRunner.query(`DROP INDEX "public"."checkpoint_label_set"`);
        await queryRunner.query(`DROP TABLE "checkpoint"`);
        await queryRunner.query(`DROP INDEX "public"."run_experiment_created"`);
        await queryRunner.query(`DROP INDEX "public"."run_created"`);
        await queryRunner.query(`DROP INDEX "public"."run_status"`);
        await queryRunner.query(`DROP TABLE "run"`);
        await queryRunner.query(`DROP TYPE "public"."run_status"`);
        await queryRunner.query(`DROP TYPE "public"."run_kind"`);
        await queryRunner.query(`DROP INDEX "public"."experiment_created"`);
        await queryRunner.query(`DROP TABLE "experiment"`);
        await queryRunner.query(`DROP TABLE "dataset"`);
        await queryRunner.query(`DROP TYPE "public"."dataset_format"`);
        await queryRunner.query(`DROP INDEX "public"."label_set_parent"`);
        await queryRunner.query(`DROP TABLE "label_set"`);
    }

}
