import { unstorableCharacter } from '../data/storable-text.js';
import { badInput } from './errors.js';

export const MAX_NAME_LENGTH = 200;

/** Names people type (datasets, label sets, experiments): trimmed, non-empty, one line, bounded. */
export function requireName(value: string, field: string): string {
  const name = value.trim();
  if (name.length === 0) throw badInput(field, `${field} is blank; give it a name`);
  if (name.length > MAX_NAME_LENGTH) {
    throw badInput(field, `${field} is ${name.length} characters long; use at most ${MAX_NAME_LENGTH}`);
  }
  if (/\p{Cc}/u.test(name)) throw badInput(field, `${field} contains a control character (such as a newline or tab); remove it`);
  return requireStorable(name, field);
}

/** Text that is stored or matched in the database: refused when it would not read back as sent. */
export function requireStorable(value: string, field: string): string {
  const found = unstorableCharacter(value);
  if (found !== null) throw badInput(field, `${field} contains ${found}, which cannot be stored; remove it`);
  return value;
}
