/**
 * The study spec and its plan, in one import: the schema and validation (schema.ts), what a
 * run is (run-config.ts), the two-stage plan with tuned learning rates (plan.ts) and sharding
 * (shard.ts).
 *
 * @module
 */
export * from './arms';
export * from './plan';
export * from './run-config';
export * from './schema';
export * from './shard';
