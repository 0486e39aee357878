import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTagCharacters, mergeTags, removeTags, tagList } from './tag-rules.js';

const target = { verb: 'add tags to', what: 'stream s under account 1' } as const;

describe('tag rules', () => {
  it('accepts letters, digits, spaces and _ . : / = + - @ in any script', () => {
    assert.doesNotThrow(() => checkTagCharacters(['a b', 'Ünïcødé', '数据', 'x_y.z:/=+-@', ''], target));
  });

  it('rejects other characters, and % with its own message', () => {
    assert.throws(() => checkTagCharacters(['a#'], target), /Some tags contain invalid characters/);
    assert.throws(() => checkTagCharacters(['a%'], target), {
      name: 'InvalidArgumentException',
      message: /^Failed to add tags to stream s under account 1 because/,
    });
  });

  it('merges with overwrite and caps at 50 keys after merging', () => {
    assert.deepEqual(mergeTags({ a: '1' }, { a: '2', b: '3' }, target), { a: '2', b: '3' });
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, '']));
    assert.doesNotThrow(() => mergeTags(fifty, { k0: 'x' }, target));
    assert.throws(() => mergeTags(fifty, { extra: 'x' }, target), /cannot have more than 50 tags/);
  });

  it('removes keys, ignoring missing ones; lists sorted by key', () => {
    assert.deepEqual(removeTags({ a: '1', b: '2' }, ['a', 'zz'], target), { b: '2' });
    assert.deepEqual(tagList({ b: '2', a: '1' }), [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
  });
});
