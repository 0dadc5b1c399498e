import { describe, expect, it } from 'vitest';
import { relativeName, routeOrderKey, toFqdn, withoutRootDot } from './names.js';

describe('provider spellings of a name ↔ the engine spelling', () => {
  it('toFqdn: lower-case and absolute, once', () => {
    expect(toFqdn('Www.Example.COM')).toBe('www.example.com.');
    expect(toFqdn('www.example.com.')).toBe('www.example.com.');
    expect(toFqdn('*.example.com')).toBe('*.example.com.');
    expect(toFqdn('.')).toBe('.');
  });

  it('withoutRootDot: drops only the root dot; the root itself stays', () => {
    expect(withoutRootDot('www.example.com.')).toBe('www.example.com');
    expect(withoutRootDot('www.example.com')).toBe('www.example.com');
    expect(withoutRootDot('.')).toBe('.');
  });

  it('the names that build on them keep their meaning', () => {
    expect(relativeName('example.com.', 'example.com')).toBe('@');
    expect(relativeName('a.b.example.com.', 'example.com')).toBe('a.b');
    expect(routeOrderKey('www.myapp.com.')).toBe('com.myapp.www.');
  });
});
