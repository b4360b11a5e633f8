/**
 * @zego-live/contract: what the live service and its clients (the WeChat app, the Alipay app, the operator console)
 * agree on. The service and the console import this whole entry; the apps import `@zego-live/contract/app` at run
 * time (no TypeBox in it) and this entry for types only.
 */
export * from './schemas';
export * from './app';
