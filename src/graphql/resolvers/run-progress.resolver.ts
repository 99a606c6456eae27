import { filter, pipe, Repeater } from '@graphql-yoga/subscription';
import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { RUN_PROGRESS_TOPIC, RunProgressEvent, TERMINAL_STATUSES } from '../../events/run-progress.js';
import { badInput } from '../../services/errors.js';
import { GraphQLContext } from '../context.js';
import { RunProgressObject } from '../types/run-progress.js';

interface RunProgressArgs {
  runId?: string | null;
  experimentId?: string | null;
}

@Resolver()
export class RunProgressResolver {
  @Subscription(() => RunProgressObject, {
    description:
      'Live progress of one run (runId) or of every run of an experiment (experimentId): a report per ' +
      'finished epoch, then the final status. A run that has already ended reports its final status at once.',
    subscribe: ({ args, context }) => subscribeToRunProgress(args as RunProgressArgs, context as GraphQLContext),
  })
  runProgress(
    @Root() event: RunProgressEvent,
    @Arg('runId', () => ID, { nullable: true, description: 'Follow this run.' }) _runId: string | null,
    @Arg('experimentId', () => ID, { nullable: true, description: 'Follow every run of this experiment.' }) _experimentId: string | null,
  ): RunProgressObject {
    return { ...event, final: TERMINAL_STATUSES.has(event.status) };
  }
}

async function subscribeToRunProgress(args: RunProgressArgs, { services, events: pubSub }: GraphQLContext) {
  if (!args.runId && !args.experimentId) throw badInput('runId', 'give runId or experimentId (or both) to say which runs to follow');
  if (args.experimentId) await services.experiments.get(args.experimentId, 'experimentId');
  const matches = (event: RunProgressEvent) =>
    (!args.runId || event.runId === args.runId) && (!args.experimentId || event.experimentId === args.experimentId);
  const events = pipe(pubSub.subscribe(RUN_PROGRESS_TOPIC), filter(matches))[Symbol.asyncIterator]();
  if (!args.runId) return events;

  // Listening starts with the first next(), before the run is read, so an ending that happens in
  // between is either seen in the row or arrives as an event: never lost.
  const first = events.next();
  const run = await services.runs.get(args.runId, 'runId').catch(async (error: unknown) => {
    await events.return?.();
    throw error;
  });
  return new Repeater<RunProgressEvent>(async (push, stop) => {
    void stop.then(() => events.return?.());
    if (TERMINAL_STATUSES.has(run.status)) {
      await push({ runId: run.id, experimentId: run.experimentId, status: run.status, epoch: null, error: run.error });
    } else {
      for (let result = await first; !result.done; result = await events.next()) {
        await push(result.value);
        if (TERMINAL_STATUSES.has(result.value.status)) break;
      }
    }
    stop();
  });
}
