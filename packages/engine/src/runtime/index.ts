/** @module runtime — default Clock, Random and Logger. */
export { silentLogger, systemClock, systemRandom } from './system.js';
