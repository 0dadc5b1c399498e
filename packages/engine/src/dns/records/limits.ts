import type { WritableRecordType } from '../../ports/dns.js';
import { mustBeAtMost } from '../../validation/caps.js';
import { TXT_WIRE_LIMIT } from './txt.js';

/**
 * Length caps of record input. Each is checked on the raw input before anything parses it, so the
 * work spent on one name or value is bounded whatever a request carries (a 5 MB body is one value
 * at most), and the patterns that follow only ever see short text.
 */

/** RFC 1035: a name is at most 255 octets on the wire, which is 253 characters of text without the final dot. */
export const MAX_NAME_LENGTH = 253;
/** A TXT value as given: Route 53 refuses a `Value` over 4 000 characters, and listings return that form. */
export const MAX_TXT_VALUE_LENGTH = TXT_WIRE_LIMIT;
/** Every other value is a few numbers and a host name, or a CAA property: 1 024 characters is ample. */
export const MAX_VALUE_LENGTH = 1024;

/** The cap on one input value of `type`. */
export function maxValueLength(type: WritableRecordType): number {
  return type === 'TXT' ? MAX_TXT_VALUE_LENGTH : MAX_VALUE_LENGTH;
}

/**
 * The length of a name as a DNS name counts it: without one final dot, and with Route 53's `\052`
 * escape of a leading `*` counted as the one character it stands for.
 */
export function dnsNameLength(input: string): number {
  let length = input.length;
  if (input.endsWith('.')) length -= 1;
  if (input.startsWith('\\052')) length -= 3;
  return length;
}

/** The documented problem of an over-long input. */
export const tooLong = mustBeAtMost;
