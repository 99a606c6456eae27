import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { EpochMetric } from '../../entities/index.js';
import { GraphQLContext } from '../context.js';
import { PredictionObject, RunComparisonObject } from '../types/comparison.js';

@Resolver()
export class ComparisonResolver {
  @Query(() => RunComparisonObject, { description: 'Runs side by side: settings that differ and per-epoch series to plot.' })
  async compareRuns(@Arg('ids', () => [ID], { description: 'The runs, 1 to 50.' }) ids: string[], @Ctx() { services }: GraphQLContext) {
    const { runs, differingSettings, series } = await services.comparisons.compare(ids);
    return { runs, differingSettings, series: series.map(({ run, epochs }) => ({ run, ...columns(epochs) })) };
  }

  @Query(() => [PredictionObject], { description: 'Scores texts with a checkpoint: its most likely labels with probabilities.' })
  predict(
    @Arg('checkpointId', () => ID, { description: 'The model.' }) checkpointId: string,
    @Arg('texts', () => [String], { description: 'Texts to classify, 1 to 1000.' }) texts: string[],
    @Arg('topK', () => Int, { defaultValue: 3, description: 'How many labels per text.' }) topK: number,
    @Ctx() { services }: GraphQLContext,
  ) {
    return services.predictions.predict(checkpointId, texts, topK);
  }
}

function columns(epochs: EpochMetric[]) {
  const column = <K extends keyof EpochMetric>(key: K) => epochs.map((epoch) => epoch[key]);
  return {
    epochs: column('epoch'),
    loss: column('loss'),
    oldAccuracy: column('oldAccuracy'),
    newAccuracy: column('newAccuracy'),
    overallAccuracy: column('overallAccuracy'),
    macroF1: column('macroF1'),
    forgetting: column('forgetting'),
    intrusion: column('intrusion'),
    oldLogitDrift: column('oldLogitDrift'),
    seconds: column('seconds'),
  };
}
