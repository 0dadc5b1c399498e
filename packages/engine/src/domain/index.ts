/** @module domain — records, roles, plans and the slug rule. */
export * from './records.js';
export * from './permissions.js';
export * from './plans.js';
export * from './slug.js';
