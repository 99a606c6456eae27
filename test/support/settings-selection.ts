import fs from 'node:fs';
import { buildSchema, getNamedType, isObjectType } from 'graphql';
import { SCHEMA_FILE } from '../../src/commands/schema.js';

const schema = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));

/** A selection of every field of an object type, nested objects included, read from schema.graphql. */
export function everyField(typeName: string): string {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type of schema.graphql`);
  const fields = Object.values(type.getFields()).map((field) => {
    const named = getNamedType(field.type);
    return isObjectType(named) ? `${field.name} ${everyField(named.name)}` : field.name;
  });
  return `{ ${fields.join(' ')} }`;
}

/** Run.settings whole, whichever kind the run is: tests that read settings back keep reading all of them when a setting is added. */
export const RUN_SETTINGS = `settings { __typename ... on StrategySettings ${everyField('StrategySettings')} ... on BaseTrainingSettings ${everyField('BaseTrainingSettings')} }`;
