import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import { buildSchema, isObjectType } from 'graphql';
import { SCHEMA_FILE } from '../src/commands/schema.js';
import { formatSetting, settingDifferences, StoredStrategySettings, variantOf } from '../src/services/setting-differences.js';
import { selectBackend } from '../src/training/backend.js';
import { readHuggingFaceFolder } from '../src/training/huggingface/hf-folder.js';
import { DEFAULT_BASE_SETTINGS, EncoderConfig, ExpansionOverrides, PRESET_NAMES, PresetName, resolveExpansionSettings } from '../src/training/index.js';
import { BERT_FIXTURES } from './support/bert-fixtures.js';

/** The tiny BERT's encoder config; null stands for the embedding bag, whose kind sets no defaults. */
let bert: EncoderConfig;
before(async () => {
  await selectBackend('wasm');
  bert = (await readHuggingFaceFolder(path.join(BERT_FIXTURES, 'tiny'))).encoder.config;
});

const stored = (preset: PresetName, overrides: ExpansionOverrides = {}, encoder: EncoderConfig | null = null): StoredStrategySettings => ({
  preset,
  ...resolveExpansionSettings(preset, overrides, encoder),
});

test('every setting the engine resolves is a field of the typed settings in schema.graphql, under its own name', () => {
  const schema = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const fieldsOf = (name: string) => {
    const type = schema.getType(name);
    assert.ok(isObjectType(type));
    return Object.keys(type.getFields()).sort();
  };
  assert.deepEqual(fieldsOf('StrategySettings'), Object.keys(stored('LWF')).sort());
  assert.deepEqual(fieldsOf('BaseTrainingSettings'), Object.keys(DEFAULT_BASE_SETTINGS).sort());
});

test('settings read the same way everywhere', () => {
  assert.equal(formatSetting('learningRate', 0.01), '0.01');
  assert.equal(formatSetting('encoderLearningRate', 5e-5), '0.00005');
  assert.equal(formatSetting('learningRate', 1e-7), '1e-7');
  assert.equal(formatSetting('init', 'IMPRINT'), 'IMPRINT');
  assert.equal(formatSetting('weightAligning', true), 'true');
  assert.equal(formatSetting('earlyStoppingPatience', null), 'off');
  assert.equal(formatSetting('distillation', null), 'off');
  assert.equal(formatSetting('distillation', { weight: 1, temperature: 2 }), 'temperature 2 weight 1');
  assert.equal(formatSetting('rehearsal', 5), '5 per label');
  assert.equal(formatSetting('rehearsal', 'ALL'), 'all old data');
  assert.equal(formatSetting('encoderLayers', null), 'all');
  assert.equal(formatSetting('encoderLayers', 2), '2');
});

test('differences list the settings that are not all the same, by name, with n/a where a run lacks one', () => {
  assert.deepEqual(settingDifferences([stored('LWF'), stored('LWF')]), []);
  assert.deepEqual(settingDifferences([{ seed: 1, ...stored('LWF') }, { seed: 2, ...stored('LWF', { epochs: 3, distillation: { temperature: 4, weight: 2 } }) }]), [
    { setting: 'distillation', values: ['temperature 2 weight 1', 'temperature 4 weight 2'] },
    { setting: 'epochs', values: ['10', '3'] },
    { setting: 'seed', values: ['1', '2'] },
  ]);
  const differences = settingDifferences([stored('IMPRINT_ONLY'), { ...DEFAULT_BASE_SETTINGS }]);
  assert.deepEqual(differences.find(({ setting }) => setting === 'dim'), { setting: 'dim', values: ['n/a', '128'] });
  assert.deepEqual(differences.find(({ setting }) => setting === 'init'), { setting: 'init', values: ['IMPRINT', 'n/a'] });
});

test('a preset as it comes is named by the preset alone, on the embedding bag and on BERT (whose fine-tuning rates are no departure)', () => {
  for (const encoder of [null, bert]) {
    for (const preset of PRESET_NAMES) assert.equal(variantOf(stored(preset, {}, encoder), encoder), preset, `${preset} on ${encoder?.kind ?? 'the embedding bag'}`);
  }
  assert.equal(variantOf(stored('IMPRINT_FROZEN', { epochs: 20 }), null), 'IMPRINT_FROZEN (epochs 20)');
  assert.equal(variantOf(stored('REHEARSAL_HEAD', { rehearsal: 'ALL', learningRate: 0.02 }), null), 'REHEARSAL_HEAD (learningRate 0.02, rehearsal all old data)');
  // Training the encoder brings BERT's rates with it: only trainable departs from the preset.
  assert.equal(variantOf(stored('IMPRINT_FROZEN', { trainable: 'FULL_MODEL' }, bert), bert), 'IMPRINT_FROZEN (trainable FULL_MODEL)');
  assert.equal(variantOf(stored('FULL_FINE_TUNE', { trainable: 'HEAD' }, bert), bert), 'FULL_FINE_TUNE (trainable HEAD)');
  assert.equal(variantOf(stored('FULL_FINE_TUNE', { encoderLayers: 1, warmupFraction: 0 }, bert), bert), 'FULL_FINE_TUNE (encoderLayers 1, warmupFraction 0)');
});

test('two settings of one preset get the same name exactly when they are the same settings', () => {
  const choices = {
    init: fc.constantFrom('RANDOM_NORMAL', 'IMPRINT'),
    trainable: fc.constantFrom('NEW_ROWS', 'HEAD', 'FULL_MODEL'),
    rehearsal: fc.constantFrom(0, 5, 'ALL'),
    exemplarSelection: fc.constantFrom('RANDOM', 'HERDING', 'NEAREST_NEW'),
    distillation: fc.constantFrom(null, { temperature: 2, weight: 1 }, { temperature: 4, weight: 1 }),
    weightAligning: fc.boolean(),
    epochs: fc.constantFrom(1, 5, 10),
    learningRate: fc.constantFrom(0.01, 0.02),
    encoderLearningRate: fc.constantFrom(0.01, 5e-5),
    learningRateSchedule: fc.constantFrom('CONSTANT', 'LINEAR_DECAY'),
    warmupFraction: fc.constantFrom(0, 0.06),
    weightDecay: fc.constantFrom(0, 0.01),
    encoderLayers: fc.constantFrom(null, null, null, null, 1, 2),
    batchSize: fc.constantFrom(16, 32),
    earlyStoppingPatience: fc.constantFrom(null, 2),
    epochSelection: fc.constantFrom('LAST', 'BEST_NEW_WITHIN_BUDGET'),
  };
  const overrides = fc.record(choices, { requiredKeys: [] }) as fc.Arbitrary<ExpansionOverrides>;
  // One setting asked for again, at any value: sometimes the one it resolved to anyway, often another.
  const oneChange = fc.constantFrom(...(Object.keys(choices) as Array<keyof typeof choices>)).chain((name) =>
    (choices[name] as fc.Arbitrary<unknown>).map((value) => ({ [name]: value }) as ExpansionOverrides),
  );
  /** The settings, or null for a combination the engine refuses (encoderLayers without FULL_MODEL or on the embedding bag). */
  const resolve = (preset: PresetName, given: ExpansionOverrides, encoder: EncoderConfig | null) => {
    try {
      return stored(preset, given, encoder);
    } catch {
      return null;
    }
  };
  const outcomes = { same: 0, different: 0 };
  fc.assert(
    fc.property(fc.constantFrom(...PRESET_NAMES), fc.boolean(), overrides, oneChange, (preset, onBert, given, change) => {
      const encoder = onBert ? bert : null;
      const [first, second] = [resolve(preset, given, encoder), resolve(preset, { ...given, ...change }, encoder)];
      if (!first || !second) return;
      const same = isDeepStrictEqual(first, second);
      outcomes[same ? 'same' : 'different']++;
      assert.equal(variantOf(first, encoder) === variantOf(second, encoder), same, `${variantOf(first, encoder)} / ${variantOf(second, encoder)}`);
    }),
    { seed: 10, numRuns: 3000 },
  );
  assert.ok(outcomes.same > 500 && outcomes.different > 500, JSON.stringify(outcomes));
});
