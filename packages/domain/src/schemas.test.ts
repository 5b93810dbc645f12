import { describe, expect, it } from 'vitest';
import { createGraphSchema, createScriptCellSchema, updateNodeSchema } from './graph-schemas.ts';
import { parseInput } from './parse-input.ts';
import {
  streamLogSchema,
  streamPointBeaconSchema,
  streamVariableSchema,
} from './stream-schemas.ts';
import { createUserSchema } from './user-schemas.ts';

const uuid = '0b7e0f8e-8a7e-4f7e-9d61-2c1f0f1e2a3b';

function invalid(fn: () => unknown): { code: string; details?: { issues: { path: string }[] } } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; details?: { issues: { path: string }[] } };
  }
  throw new Error('expected INVALID_INPUT');
}

describe('input schemas', () => {
  it('apply the original defaults', () => {
    const graph = parseInput(createGraphSchema, { name: 'G' });
    expect(graph).toMatchObject({
      streamAssignmentPolicy: 'one_user_one_stream',
      publicVisible: true,
      templateName: 'default',
      startText: '',
    });
    expect(parseInput(streamLogSchema, { message: 'm' }).level).toBe(20);
    expect(parseInput(streamVariableSchema, { streamUuid: uuid, key: 'k' })).toMatchObject({
      value: '',
      streamToSc: false,
    });
  });

  it('reject empty names, over-long fields and unknown enum values with INVALID_INPUT and a path', () => {
    expect(invalid(() => parseInput(createGraphSchema, { name: '' })).code).toBe('INVALID_INPUT');
    const long = invalid(() => parseInput(createGraphSchema, { name: 'x'.repeat(256) }));
    expect(long.details?.issues[0]?.path).toBe('name');
    const policy = invalid(() =>
      parseInput(createGraphSchema, { name: 'a', streamAssignmentPolicy: 'all' }),
    );
    expect(policy.details?.issues[0]?.path).toBe('streamAssignmentPolicy');
    expect(
      invalid(() => parseInput(streamVariableSchema, { streamUuid: uuid, key: '' })).code,
    ).toBe('INVALID_INPUT');
    expect(invalid(() => parseInput(streamLogSchema, { message: 'm', level: 25 })).code).toBe(
      'INVALID_INPUT',
    );
    expect(
      invalid(() =>
        parseInput(streamPointBeaconSchema, { host: 'h', port: 70000, lastLive: new Date() }),
      ).code,
    ).toBe('INVALID_INPUT');
    expect(
      invalid(() => parseInput(createUserSchema, { username: 'bad name', password: 'longenough' }))
        .code,
    ).toBe('INVALID_INPUT');
  });

  it('keep explicit zero/empty values in updates and tell absent from null', () => {
    expect(parseInput(updateNodeSchema, { uuid, positionX: 0, name: '' })).toEqual({
      uuid,
      positionX: 0,
      name: '',
    });
    expect(parseInput(updateNodeSchema, { uuid })).toEqual({ uuid });
    expect(invalid(() => parseInput(updateNodeSchema, { uuid, name: null })).code).toBe(
      'INVALID_INPUT',
    );
  });

  it('require an audio cell for AUDIO script cells', () => {
    const error = invalid(() =>
      parseInput(createScriptCellSchema, { nodeUuid: uuid, cellType: 'audio', cellCode: '' }),
    );
    expect(error.details?.issues[0]?.path).toBe('audioCell');
  });
});
