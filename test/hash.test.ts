import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, hashJson } from '../src/core/hash.js';

describe('canonical JSON', () => {
  // Sample keys, cache keys and prompt hashes are derived from this text: a change here would orphan
  // every run folder and cache already written, so the exact output is pinned.
  const value = { z: 1, a: [3, { y: null, b: 'x', 10: 'ten', 2: 'two' }, undefined, () => 1], m: { d: new Date(0), u: undefined, n: -0, s: 'é\u2028"' }, '': true };

  it('sorts object keys at every depth and otherwise writes what JSON.stringify writes', () => {
    assert.equal(canonicalJson(value), '{"":true,"a":[3,{"2":"two","10":"ten","b":"x","y":null},null,null],"m":{"d":"1970-01-01T00:00:00.000Z","n":0,"s":"é\u2028\\""},"z":1}');
    assert.equal(hashJson(value), '6edad65e30605822ff6a32452277d5ae9d742e7202f9f9e2ccf736885716ac9d');
  });

  it('gives equal values in any key order the same text', () => {
    assert.equal(canonicalJson({ b: { d: 1, c: [2, { f: 1, e: 0 }] }, a: 0 }), canonicalJson({ a: 0, b: { c: [2, { e: 0, f: 1 }], d: 1 } }));
    assert.equal(canonicalJson([1, 'a', null]), '[1,"a",null]');
    assert.equal(canonicalJson('s'), '"s"');
    assert.equal(canonicalJson(null), 'null');
  });
});
