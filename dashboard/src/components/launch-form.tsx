import { useState, type FormEvent } from 'react';
import { ApiError, request } from '../api/graphql-client';
import { ExemplarSelection, HeadInit, LaunchRunsDocument, LearningRateSchedule, Preset, Trainable, type StrategyInput } from '../generated/graphql';
import { ErrorMessage } from './status';

/** Axes a researcher changes most; blank keeps the preset's value. */
const NUMBER_AXES = [
  { name: 'epochs', label: 'epochs', integer: true },
  { name: 'learningRate', label: 'learning rate', integer: false },
  { name: 'batchSize', label: 'batch size', integer: true },
  { name: 'rehearsalPerLabel', label: 'rehearsal per old label', integer: true },
  { name: 'earlyStoppingPatience', label: 'early-stopping patience', integer: true },
] as const;

const CHOICE_AXES = [
  { name: 'init', label: 'new-row init', values: Object.values(HeadInit) },
  { name: 'trainable', label: 'trainable', values: Object.values(Trainable) },
  { name: 'exemplarSelection', label: 'exemplar selection', values: Object.values(ExemplarSelection) },
  { name: 'learningRateSchedule', label: 'schedule', values: Object.values(LearningRateSchedule) },
  { name: 'weightAligning', label: 'weight aligning', values: ['true', 'false'] },
] as const;

type Draft = Record<string, string>;

/** "0, 1, 2" or "0-4" (or both) to the seeds they name, in order, without repeats. */
export function parseSeeds(text: string): number[] | string {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from > 999) return `seeds: "${part}" is not a range from low to high of at most 1000 seeds`;
      for (let seed = from; seed <= to; seed++) seeds.push(seed);
    } else if (/^\d+$/.test(part)) {
      seeds.push(Number(part));
    } else {
      return `seeds: "${part}" is not a whole number or a range like 0-4`;
    }
  }
  return seeds.length ? [...new Set(seeds)] : 'seeds: give at least one, e.g. 0 or 0-2';
}

/** The overrides every chosen strategy gets, or what is wrong with them. */
function overridesOf(draft: Draft): Omit<StrategyInput, 'preset'> | string {
  const overrides: Record<string, unknown> = {};
  for (const axis of NUMBER_AXES) {
    const text = draft[axis.name]?.trim();
    if (!text) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || (axis.integer && !Number.isInteger(value))) return `${axis.label}: "${text}" is not ${axis.integer ? 'a whole number' : 'a number'}`;
    overrides[axis.name] = value;
  }
  for (const axis of CHOICE_AXES) {
    const value = draft[axis.name];
    if (value) overrides[axis.name] = axis.name === 'weightAligning' ? value === 'true' : value;
  }
  const temperature = draft.temperature?.trim();
  const weight = draft.weight?.trim();
  if (temperature || weight) {
    if (!temperature || !weight || !Number.isFinite(Number(temperature)) || !Number.isFinite(Number(weight))) {
      return 'distillation: give both a temperature and a weight as numbers, or neither';
    }
    overrides.distillation = { temperature: Number(temperature), weight: Number(weight) };
  }
  return overrides;
}

/** Queues strategies x seeds on an experiment (launchHeadExpansion), with optional axis overrides. */
export function LaunchForm({ experimentId, onLaunched }: { experimentId: string; onLaunched: (runIds: string[]) => void }) {
  const [presets, setPresets] = useState<Set<string>>(new Set([Preset.OriginalRecipe]));
  const [seeds, setSeeds] = useState('0');
  const [draft, setDraft] = useState<Draft>({});
  const [error, setError] = useState<ApiError | string | null>(null);
  const [queued, setQueued] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  const parsedSeeds = parseSeeds(seeds);
  const runCount = typeof parsedSeeds === 'string' ? 0 : parsedSeeds.length * presets.size;
  const set = (name: string, value: string) => setDraft((previous) => ({ ...previous, [name]: value }));
  const toggle = (preset: string) =>
    setPresets((previous) => {
      const next = new Set(previous);
      if (!next.delete(preset)) next.add(preset);
      return next;
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQueued(null);
    const overrides = overridesOf(draft);
    if (typeof parsedSeeds === 'string') return setError(parsedSeeds);
    if (typeof overrides === 'string') return setError(overrides);
    if (presets.size === 0) return setError('strategies: tick at least one');
    setError(null);
    setBusy(true);
    const strategies = Object.values(Preset)
      .filter((preset) => presets.has(preset))
      .map((preset) => ({ ...overrides, preset }));
    request(LaunchRunsDocument, { input: { experimentId, seeds: parsedSeeds, strategies } })
      .then(
        (data) => {
          setQueued(data.launchHeadExpansion.length);
          onLaunched(data.launchHeadExpansion.map((run) => run.id));
        },
        (failure: unknown) => setError(failure instanceof ApiError ? failure : String(failure)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form className="panel launch" onSubmit={submit} aria-label="launch runs">
      <h2>Launch runs</h2>
      <fieldset>
        <legend>Strategies</legend>
        {Object.values(Preset).map((preset) => (
          <label key={preset} className="choice">
            <input type="checkbox" name="preset" value={preset} checked={presets.has(preset)} onChange={() => toggle(preset)} />
            {preset}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Seeds and overrides (blank: the preset's own)</legend>
        <label>
          seeds
          <input name="seeds" value={seeds} onChange={(event) => setSeeds(event.target.value)} placeholder="0, 1, 2 or 0-4" />
        </label>
        {NUMBER_AXES.map((axis) => (
          <label key={axis.name}>
            {axis.label}
            <input name={axis.name} inputMode="decimal" value={draft[axis.name] ?? ''} onChange={(event) => set(axis.name, event.target.value)} />
          </label>
        ))}
        {CHOICE_AXES.map((axis) => (
          <label key={axis.name}>
            {axis.label}
            <select name={axis.name} value={draft[axis.name] ?? ''} onChange={(event) => set(axis.name, event.target.value)}>
              <option value="">preset's</option>
              {axis.values.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          distillation temperature
          <input name="temperature" inputMode="decimal" value={draft.temperature ?? ''} onChange={(event) => set('temperature', event.target.value)} />
        </label>
        <label>
          distillation weight
          <input name="weight" inputMode="decimal" value={draft.weight ?? ''} onChange={(event) => set('weight', event.target.value)} />
        </label>
      </fieldset>
      <button type="submit" disabled={busy || runCount === 0}>
        Queue {runCount} run{runCount === 1 ? '' : 's'}
      </button>
      {queued !== null ? <span className="ok" role="status">Queued {queued} runs.</span> : null}
      <ErrorMessage error={error} />
    </form>
  );
}
