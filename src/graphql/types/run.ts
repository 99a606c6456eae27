import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { RunKind, RunStatus } from '../../entities/index.js';
import { ConnectionType } from './connection.js';
import { ModelMetricsFields } from './model-metrics.js';

@ObjectType('Run', { description: 'One training job: its settings, where and how it ran, and how it ended.' })
export class RunObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => RunKind, { description: 'What the run trains.' })
  kind: RunKind;

  @Field(() => RunStatus, { description: 'Where the run is in its life.' })
  status: RunStatus;

  @Field(() => Int, { description: 'Seed of every random choice the run makes: same seed, backend and data give the same metrics.' })
  seed: number;

  @Field(() => String, { nullable: true, description: 'TensorFlow.js backend that ran it (tensorflow-gpu, tensorflow, wasm or cpu); null before it starts.' })
  backend: string | null;

  @Field(() => String, { nullable: true, description: 'Why the run failed; null otherwise.' })
  error: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'The epoch whose weights the output checkpoint holds: with earlyStoppingPatience, the epoch of best validation accuracy (0 is the model before training); with epochSelection BEST_NEW_WITHIN_BUDGET, the epoch of best calibrated validation new-label accuracy; otherwise the last. finalMetrics measure that model (after weight aligning and bias calibration, for strategies that use them). Null until the run succeeds.',
  })
  keptEpoch: number | null;

  @Field(() => [String], {
    description:
      'What the training reported about its own choices, in order: where early stopping stopped and why, or that early stopping or epoch selection was off for want of validation examples (and the last epoch kept). Empty until the run succeeds, and for a run that made no such choice.',
  })
  trainingNotes: string[];

  @Field(() => Int, { description: 'How many times a worker started it; more than 1 after a crash was retried.' })
  attempts: number;

  @Field({ description: 'When it was queued.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When a worker last started it.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ended.' })
  finishedAt: Date | null;
}

@ObjectType('SoftwareVersion', { description: 'A piece of software that ran a run, and its version.' })
export class SoftwareVersionObject {
  @Field({ description: 'What it is: tfjs-core, the backend\'s package (tfjs-backend-wasm, tfjs-backend-cpu, tfjs-node, tfjs-node-gpu), native-gemm (the AVX2 GEMM wasm used, or none), node.' })
  name: string;

  @Field({ description: 'Its version, e.g. 4.22.0.' })
  version: string;
}

@ObjectType('RunMetrics', { implements: ModelMetricsFields, description: 'Metrics of a run\'s final model on the test split.' })
export class RunMetricsObject extends ModelMetricsFields {
  @Field(() => Float, { description: 'Seconds spent in training steps, evaluation excluded.' })
  trainSeconds: number;
}

@ObjectType('LabelAccuracy', { description: 'Test accuracy of a run\'s final model on one label.' })
export class LabelAccuracyObject {
  @Field({ description: 'The label.' })
  label: string;

  @Field(() => Float, { description: 'Share of the label\'s test examples predicted correctly.' })
  accuracy: number;
}

export const RunConnection = ConnectionType(RunObject, 'Run', 'runs');
