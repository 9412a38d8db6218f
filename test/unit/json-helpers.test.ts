import { describe, expect, it } from 'vitest';
import { childPointer, fromPointer, pointer, pointerSegment, segmentKey, toPointer } from '../../src/json/pointer.js';
import { sameJson } from '../../src/json/same-json.js';

describe('JSON pointers', () => {
  it('escapes ~ and / in a key, and reads them back', () => {
    expect(pointerSegment('b/c')).toBe('b~1c');
    expect(pointerSegment('m~n')).toBe('m~0n');
    expect(pointerSegment(3)).toBe('3');
    expect(segmentKey('~01')).toBe('~1');
    expect(segmentKey('~10')).toBe('/0');
    expect(pointer('stages', 0, 'a/b')).toBe('/stages/0/a~1b');
    expect(pointer()).toBe('');
    expect(childPointer('/stages', 'x~y')).toBe('/stages/x~0y');
    expect(fromPointer(toPointer(['~1', '/', '', 'plain']))).toEqual(['~1', '/', '', 'plain']);
  });
});

describe('sameJson', () => {
  it('compares lists in order and objects regardless of key order, an undefined member counted as absent', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });
});
