/** @module validation — input parsing with the documented error shapes. */
export { formatPath, parseInput, parsePathId, parseQueryBoolean, toValidationIssues } from './parse.js';
