import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleCandidate } from '../src/handles.ts';

/** Public handles (handles.ts): "Léa Martin" → "lea.martin4821". Pure; uniqueness is the repository's job. */
describe('handleCandidate', () => {
  const base = (handle: string) => handle.replace(/\d{4}$/, '');

  it('folds accents and case, joins words with dots, and adds four digits', () => {
    expect(handleCandidate('Léa Martin')).toMatch(/^lea\.martin\d{4}$/);
    expect(base(handleCandidate('  Zoé   Dupont-Éluard '))).toBe('zoe.dupont.eluard');
    expect(base(handleCandidate('ÇA ÇA'))).toBe('ca.ca');
    expect(base(handleCandidate('Fan #12'))).toBe('fan.12');
  });

  it('keeps 20 characters of the name at most', () => {
    expect(base(handleCandidate('Maximilien-Alexandre de la Tour'))).toBe('maximilien.alexandre');
  });

  it('falls back to "fan" when nothing of the name is left', () => {
    expect(base(handleCandidate('🙂🙂'))).toBe('fan');
    expect(base(handleCandidate('---'))).toBe('fan');
    expect(base(handleCandidate('李小龙'))).toBe('fan');
  });

  it('is always lower-case ASCII letters, digits and inner dots, ending in four digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: 'grapheme' }), (name) => {
        const handle = handleCandidate(name);
        expect(handle).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)*$/);
        expect(handle).toMatch(/\d{4}$/);
        expect(base(handle).length).toBeLessThanOrEqual(20);
        expect(base(handle).length).toBeGreaterThan(0);
      }),
    );
  });
});
