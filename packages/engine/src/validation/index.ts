/** @module validation — input parsing with the documented error shapes. */
export { FIELD_CAPS, lengthCap, mustBeAtMost } from './caps.js';
export { trimTrailingSlashes } from './text.js';
export { formatPath, parseInput, parsePathId, parseQueryBoolean, toValidationIssues } from './parse.js';
export { findNulCharacter } from './nul.js';
