import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('EpochMetric', {
  description:
    'Metrics of a run after one epoch, on the test split. "Old" labels are those of the base ' +
    'checkpoint, "new" ones those the run adds. Null where a metric does not apply.',
})
export class EpochMetricObject {
  @Field(() => Int, { description: '1-based epoch number; 0 is the model before any training step.' })
  epoch: number;

  @Field(() => Float, { description: 'Mean training loss over the epoch.' })
  loss: number;

  @Field(() => Float, { nullable: true, description: 'Accuracy on test examples of old labels.' })
  oldAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'Accuracy on test examples of new labels.' })
  newAccuracy: number | null;

  @Field(() => Float, { description: 'Accuracy on all test examples.' })
  overallAccuracy: number;

  @Field(() => Float, { description: 'Macro-averaged F1 over all labels.' })
  macroF1: number;

  @Field(() => Float, { nullable: true, description: 'Old-label accuracy of the base checkpoint minus the current one: what was forgotten.' })
  forgetting: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of old-label test examples predicted as a new label.' })
  intrusion: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Largest absolute change of any old logit against the base checkpoint; exactly 0 when old rows and encoder are frozen.',
  })
  oldLogitDrift: number | null;

  @Field(() => Float, { description: 'Wall-clock seconds the epoch took.' })
  seconds: number;
}
