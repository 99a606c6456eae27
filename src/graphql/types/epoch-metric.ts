import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ModelMetricsFields } from './model-metrics.js';

@ObjectType('EpochMetric', { implements: ModelMetricsFields, description: 'Metrics of a run after one epoch, on the test split.' })
export class EpochMetricObject extends ModelMetricsFields {
  @Field(() => Int, { description: '1-based epoch number; 0 is the model before any training step.' })
  epoch: number;

  @Field(() => Float, { description: 'Mean training loss over the epoch (for epoch 0: over the training set before training).' })
  loss: number;

  @Field(() => Float, { description: 'Wall-clock seconds the epoch\'s training steps took, evaluation excluded.' })
  seconds: number;
}
