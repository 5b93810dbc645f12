import { describe, expect, it } from 'vitest';
import { sortDoors } from './door-order.ts';
import { slugify } from './slugify.ts';

describe('sortDoors', () => {
  it('orders non-default doors by order then name and puts the default door last', () => {
    const doors = [
      { name: 'default', order: 0, isDefault: true },
      { name: 'b', order: 10, isDefault: false },
      { name: 'a', order: 10, isDefault: false },
      { name: 'z', order: -1, isDefault: false },
    ];
    expect(sortDoors(doors).map((d) => d.name)).toEqual(['z', 'a', 'b', 'default']);
    expect(doors[0]?.name).toBe('default'); // input untouched
  });
});

describe('slugify', () => {
  it('makes lower-case dashed slugs without leading or trailing dashes', () => {
    expect(slugify('  Hello, World! ')).toBe('hello-world');
    expect(slugify('Über Straße 2')).toBe('uber-stra-e-2');
    expect(slugify('---')).toBe('');
    expect(slugify('a'.repeat(300))).toHaveLength(256);
  });
});
