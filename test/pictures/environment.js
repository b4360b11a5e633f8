// jsdom for the page harness, plus the Node globals playwright-core's bundle needs at load (fetch's classes,
// streams, TextEncoder, setImmediate): jest's jsdom sandbox leaves them out.
const { TestEnvironment } = require('jest-environment-jsdom');

const NODE_GLOBALS = [
  'Request',
  'Response',
  'Headers',
  'fetch',
  'FormData',
  'Blob',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'TextEncoder',
  'TextDecoder',
  'setImmediate',
  'clearImmediate',
  'structuredClone',
];

class PicturesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of NODE_GLOBALS) {
      if (this.global[name] === undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = PicturesEnvironment;
