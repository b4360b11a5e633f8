/**
 * @zego-live/contract: what the live service and its clients (the WeChat app, the Alipay app, the operator console)
 * agree on at run time: error codes, room-signal formats, entry links. No TypeBox here, so the apps' builds compile
 * this entry in (WeChat: scripts/build-contract.js; Alipay: its bundler). The API's schemas are
 * `@zego-live/contract/schemas`: the service's and the console's, the apps' through `import type` only.
 */
export * from './errors';
export * from './room-signals';
export * from './entry';
export * from './streams';
export * from './events';
export * from './report';
