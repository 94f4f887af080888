/**
 * The lab format: schema, loader and outcome types. Pure and browser-safe; the Node adapter that
 * reads lab folders from disk is in ./node.
 */
export * from './errors';
export * from './outcome';
export * from './schema';
export * from './manifests';
export * from './load';
export * from './request-path';
