import { Field, Float, InterfaceType } from 'type-graphql';

/**
 * How a model does on the test split: the fields EpochMetric and RunMetrics share, so a client can
 * select them once with a fragment. "Old" labels are those of the base checkpoint, "new" ones those
 * the run adds. Null where a metric does not apply.
 */
@InterfaceType('ModelMetrics', {
  description: 'How a model does on the test split. "Old" labels are the base checkpoint\'s, "new" ones those the run adds.',
})
export abstract class ModelMetricsFields {
  @Field(() => Float, { nullable: true, description: 'Accuracy on test examples of old labels.' })
  oldAccuracy: number | null;

  @Field(() => Float, { nullable: true, description: 'Accuracy on test examples of new labels; null without new labels.' })
  newAccuracy: number | null;

  @Field(() => Float, { description: 'Accuracy on all test examples.' })
  overallAccuracy: number;

  @Field(() => Float, { description: 'Macro-averaged F1 over the labels that occur in the test split or in the predictions.' })
  macroF1: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Old-label accuracy of the base checkpoint minus the current one: what was forgotten. Null for base training.',
  })
  forgetting: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of old-label test examples predicted as a new label; null without new labels.' })
  intrusion: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Largest absolute change of any old logit against the base checkpoint; exactly 0 when old rows and encoder are frozen.',
  })
  oldLogitDrift: number | null;
}
