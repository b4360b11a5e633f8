/**
 * The contract's run-time part for the apps: error codes, room-signal formats, entry links. No TypeBox and no
 * schemas (those reach an app as types only), so the WeChat build can compile this into the app's package.
 */
export * from './errors';
export * from './room-signals';
export * from './entry';
