import * as fc from 'fast-check';

/** Numbers JSON can carry that break naive range checks: signs, zero, fractions, Int32 edges, huge. */
const NASTY_NUMBERS = [0, -0, -1, 0.5, 1.5, -0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 5e-324, 1e-7, 1e6, 1e6 + 1];

/** Any number a JSON variable can hold (NaN and Infinity cannot be written in JSON; see NUMBER_LITERALS). */
export const hostileNumber = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_NUMBERS), weight: 3 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
);

/** A string where an enum value belongs. */
export const hostileEnumValue = fc.constantFrom('', 'NOPE', 'head', ' HEAD', 'null');

type Model = Record<string, fc.Arbitrary<unknown>>;

/**
 * Inputs with any subset of the fields set to plausible values and, half the time, one field set
 * to a hostile value instead: each case is a random combination of settings, and a rejected one
 * has a single cause.
 */
export function withOneHostileField(plausible: Model, hostile: Model): fc.Arbitrary<Record<string, unknown>> {
  const valid = fc.record(plausible, { requiredKeys: [] });
  const field = fc.constantFrom(...Object.keys(hostile)).chain((key) => hostile[key].map((value) => [key, value] as const));
  return fc.oneof(
    valid,
    fc.tuple(valid, field).map(([record, [key, value]]) => ({ ...record, [key]: value })),
  );
}

/** Number literals as GraphQL query text can spell them, NaN and Infinity attempts among them. */
export const NUMBER_LITERALS = [
  '1e999',
  '-1e999',
  '1e308',
  '-1e308',
  '1e-400',
  '5e-324',
  '0',
  '-0',
  '0.0',
  '1.5',
  '3',
  '2147483647',
  '2147483648',
  '-2147483649',
  '99999999999999999999999',
  '1e3',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '.5',
  '5.',
  '00',
  '1_000',
  '"3"',
  'null',
  'true',
];
