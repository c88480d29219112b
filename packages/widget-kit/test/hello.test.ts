import { describe, expect, it } from 'vitest';
import { readHostConfig } from '../src/hello.ts';

describe('readHostConfig', () => {
  it('keeps the well-formed parts of a PCF_HELLO', () => {
    expect(
      readHostConfig({
        instanceId: 'i1',
        locale: 'en',
        appearance: { theme: 'light', variables: { '--pcf-accent': '#0057b8', color: 'red' } },
        sessionToken: 'tok',
        options: { compact: true },
      }),
    ).toEqual({
      instanceId: 'i1',
      locale: 'en',
      appearance: { theme: 'light', variables: { '--pcf-accent': '#0057b8' } },
      sessionToken: 'tok',
      options: { compact: true },
    });
  });

  it('drops malformed parts and keeps a null token (no host session)', () => {
    expect(readHostConfig({ locale: 'de', appearance: 'dark', sessionToken: null, options: [] })).toEqual({
      sessionToken: null,
    });
    expect(readHostConfig(null)).toEqual({});
  });
});
