import { describe, expect, it } from 'vitest';
import { demoOrigins } from '../src/identity.demo.ts';

describe('the demo keys allow the demo at every address the server prints', () => {
  it('adds the other loopback name for the same port, and keeps other hosts as they are', () => {
    expect(demoOrigins(['http://localhost:8080', 'http://localhost:9091'])).toEqual([
      'http://localhost:8080',
      'http://127.0.0.1:8080',
      'http://localhost:9091',
      'http://127.0.0.1:9091',
    ]);
    expect(demoOrigins(['https://fans.example.com'])).toEqual(['https://fans.example.com']);
  });
});
