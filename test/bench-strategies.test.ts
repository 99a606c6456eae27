import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ablationStrategies, presetStrategies } from '../src/bench/bench-strategies.js';
import { PRESET_NAMES, PRESETS, resolveExpansionSettings } from '../src/training/settings.js';

describe('bench strategies', () => {
  test('every preset by default; an unknown name is refused naming the valid ones', () => {
    assert.deepEqual(presetStrategies(undefined).map((s) => s.name), PRESET_NAMES);
    assert.throws(() => presetStrategies(['IMPRINT_ONLY', 'NOPE']), /unknown strategy NOPE; use ORIGINAL_RECIPE, /);
  });

  test('an ablation takes out each part the preset uses, one at a time, and nothing it does not use', () => {
    const [whole, ...without] = ablationStrategies('CALIBRATED_REHEARSAL');
    assert.deepEqual(whole, { name: 'CALIBRATED_REHEARSAL', preset: 'CALIBRATED_REHEARSAL', overrides: {} });
    assert.deepEqual(without.map((s) => s.name), [
      'CALIBRATED_REHEARSAL without encoder training',
      'CALIBRATED_REHEARSAL without bias calibration',
      'CALIBRATED_REHEARSAL without rate scaling',
      'CALIBRATED_REHEARSAL without minimum steps',
      'CALIBRATED_REHEARSAL without epoch selection',
      'CALIBRATED_REHEARSAL without distillation',
      'CALIBRATED_REHEARSAL without rehearsal',
      'CALIBRATED_REHEARSAL without imprinting',
    ]);
    const preset = PRESETS.CALIBRATED_REHEARSAL;
    for (const { name, overrides } of without) {
      const settings = resolveExpansionSettings('CALIBRATED_REHEARSAL', overrides);
      const changed = Object.keys(settings).filter((key) => JSON.stringify(settings[key as keyof typeof settings]) !== JSON.stringify(preset[key as keyof typeof preset]));
      assert.ok(changed.length >= 1 && changed.length <= 2, `${name} changes ${changed.join(', ')}`);
    }
    assert.deepEqual(ablationStrategies('IMPRINT_ONLY').map((s) => s.name), ['IMPRINT_ONLY', 'IMPRINT_ONLY without imprinting']);
  });
});
