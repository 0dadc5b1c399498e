/**
 * @module pagination — bounded lists: `limit` and `cursor` of every list input, opaque cursors bound
 * to their list and scope, and keyset pages by `id`.
 */
export { LIST_PAGE_MAX, RECORD_PAGE_MAX, pageQueryFields, listPageQuerySchema, recordPageQuerySchema } from './page-query.js';
export type { PageQuery } from './page-query.js';
export { decodeCursor, encodeCursor } from './cursor.js';
export type { CursorList } from './cursor.js';
export { openIdPage } from './id-page.js';
export type { IdPageRequest } from './id-page.js';
