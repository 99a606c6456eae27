import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType } from 'graphql';
import { printHeadroomSchema, SCHEMA_FILE } from '../src/commands/schema.js';

test('schema.graphql is what the code generates (run `npm run schema` after changing the API)', async () => {
  const generated = await printHeadroomSchema();
  const committed = fs.readFileSync(SCHEMA_FILE, 'utf8');
  assert.equal(committed, generated, 'schema.graphql is stale: run `npm run schema` and commit it');
});

test('every type, field, argument, input field and enum value has a description', () => {
  const schema = buildSchema(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const missing: string[] = [];
  const check = (where: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(where);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    const isRoot = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type as never);
    if (!isRoot) check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    } else if (isScalarType(type)) {
      check(type.name, type.description);
    }
  }
  assert.deepEqual(missing, [], `undocumented: ${missing.join(', ')}`);
});
