import { ExpansionOverrides, PRESET_NAMES, PRESETS, PresetName } from '../training/index.js';

/** What a benchmark runs: a preset, maybe with some axes changed, under a name its tables show. */
export interface BenchStrategy {
  name: string;
  preset: PresetName;
  overrides: ExpansionOverrides;
}

/**
 * The parts of a preset an ablation can take out, each with the value that takes it out. Only the
 * parts the preset uses are ablated, so each row of an ablation answers "what does this part buy?".
 */
const REMOVALS: ReadonlyArray<{ part: string; uses: (preset: PresetName) => boolean; overrides: ExpansionOverrides }> = [
  { part: 'encoder training', uses: (p) => PRESETS[p].trainable === 'NEW_ROWS_AND_ENCODER', overrides: { trainable: 'NEW_ROWS' } },
  // Epoch selection scores epochs after calibration, so it goes with it.
  { part: 'bias calibration', uses: (p) => PRESETS[p].biasCalibration !== null, overrides: { biasCalibration: null, epochSelection: 'LAST' } },
  { part: 'balancing', uses: (p) => PRESETS[p].balanceNewLabels, overrides: { balanceNewLabels: false } },
  { part: 'rate scaling', uses: (p) => PRESETS[p].scaleEncoderRateBySteps, overrides: { scaleEncoderRateBySteps: false } },
  { part: 'minimum steps', uses: (p) => PRESETS[p].minimumSteps > 0, overrides: { minimumSteps: 0 } },
  { part: 'epoch selection', uses: (p) => PRESETS[p].epochSelection !== 'LAST', overrides: { epochSelection: 'LAST' } },
  { part: 'distillation', uses: (p) => PRESETS[p].distillation !== null, overrides: { distillation: null } },
  { part: 'token dropout', uses: (p) => PRESETS[p].tokenDropout > 0, overrides: { tokenDropout: 0 } },
  { part: 'rehearsal', uses: (p) => PRESETS[p].rehearsal !== 0 && PRESETS[p].rehearsal !== 'ALL', overrides: { rehearsal: 0, balanceNewLabels: false } },
  { part: 'imprinting', uses: (p) => PRESETS[p].init === 'IMPRINT', overrides: { init: 'RANDOM_NORMAL' } },
];

/** The presets named (all when none are), as bench strategies. */
export function presetStrategies(names: readonly string[] | undefined): BenchStrategy[] {
  return (names ?? PRESET_NAMES).map((name) => {
    if (!PRESET_NAMES.includes(name as PresetName)) throw new Error(`unknown strategy ${name}; use ${PRESET_NAMES.join(', ')}`);
    return { name, preset: name as PresetName, overrides: {} };
  });
}

/** The preset, then the preset without each of its parts in turn. */
export function ablationStrategies(preset: string): BenchStrategy[] {
  const [whole] = presetStrategies([preset]);
  const removals = REMOVALS.filter(({ uses }) => uses(whole.preset));
  return [whole, ...removals.map(({ part, overrides }) => ({ name: `${preset} without ${part}`, preset: whole.preset, overrides }))];
}
