// The real ZAF SDK for the playground: the npm package (zendesk_app_framework_sdk@2.0.11) ships its
// CommonJS sources only (lib/*.js, no built zaf_sdk.min.js), so this wraps them into one browser
// script that defines `window.ZAFClient`, as the CDN build does (its Gruntfile glues lib/ the same
// way). The worker serves the app's pages and points their CDN script tag at this copy when its
// var ZAF_SDK_URL is set (scripts/local-stack.ts sets it). Node only, no network.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the playground serves the wrapped SDK (the worker's ZAF_SDK_URL is the playground's URL + this). */
export const ZAF_SDK_LOCAL_PATH = '/zaf/zaf_sdk.js';

/** lib/ modules by the id `require()` uses inside the SDK. */
const MODULES = ['index', 'client', 'utils', 'vendor/native-promise-only'];

function sdkLibDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('zendesk_app_framework_sdk/package.json')), 'lib');
}

export function sdkVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('zendesk_app_framework_sdk/package.json') as { version: string }).version;
}

/** One classic script: a tiny CommonJS loader over the SDK's own files, exporting ZAFClient. */
export function buildZafSdkBundle(): string {
  const lib = sdkLibDir();
  const factories = MODULES.map((id) => {
    const source = readFileSync(join(lib, `${id}.js`), 'utf8');
    return `${JSON.stringify(id)}: function (module, exports, require) {\n${source}\n}`;
  });
  return `/* zendesk_app_framework_sdk ${sdkVersion()} from npm (lib/), wrapped for the browser by playground/zaf-sdk.ts */
(function () {
  var factories = {
${factories.join(',\n')}
  };
  var cache = {};
  function load(id) {
    id = id.replace(/^\\.\\//, '').replace(/\\.js$/, '');
    if (cache[id]) return cache[id].exports;
    var module = (cache[id] = { exports: {} });
    factories[id].call(module.exports, module, module.exports, load);
    return module.exports;
  }
  window.ZAFClient = load('index');
})();
`;
}
