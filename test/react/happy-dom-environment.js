/**
 * A Jest test environment with a happy-dom window, for the React hook and browser helper tests.
 *
 * jest-environment-jsdom is not a dependency and @happy-dom/jest-environment is not installed,
 * so this small one puts a happy-dom `Window`'s DOM globals (document, window, Event classes,
 * storage, ...) over Node's environment. Node's timers, URL, AbortController and fetch stay: the
 * chart and the request functions under test run on Node's, as they do in a real page's own.
 * Use it with the docblock `@jest-environment ./test/react/happy-dom-environment.js`.
 */
const { TestEnvironment } = require('jest-environment-node');
const { Window } = require('happy-dom');

/** Globals that stay Node's. */
const KEEP = new Set([
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask',
  'console', 'process', 'Buffer', 'global', 'globalThis', 'URL', 'URLSearchParams', 'AbortController', 'AbortSignal',
  'fetch', 'Request', 'Response', 'Headers', 'FormData', 'Blob', 'TextEncoder', 'TextDecoder', 'performance',
  'structuredClone', 'crypto', 'Promise', 'Error', 'TypeError', 'Symbol', 'Object', 'Array', 'Function', 'JSON', 'Math',
  'Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Proxy', 'Reflect', 'eval', 'undefined', 'NaN', 'Infinity',
]);

class HappyDomEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const win = new Window({
      url: 'http://127.0.0.1:8448/',
      settings: {
        disableJavaScriptFileLoading: true,
        disableCSSFileLoading: true,
        disableIframePageLoading: true,
        navigation: { disableChildPageNavigation: true, disableChildFrameNavigation: true, disableMainFrameNavigation: true },
      },
    });
    this.happyWindow = win;
    const g = this.global;
    const keys = new Set([...Object.getOwnPropertyNames(win), ...Object.getOwnPropertyNames(Object.getPrototypeOf(win))]);
    for (const key of keys) {
      if (KEEP.has(key) || key === 'constructor' || key === 'window' || key === 'self' || key === 'top' || key === 'parent') continue;
      let value;
      try {
        value = win[key];
      } catch {
        continue;
      }
      if (typeof value === 'function' && !/^[A-Z]/.test(key)) value = value.bind(win);
      try {
        Object.defineProperty(g, key, { value, configurable: true, writable: true, enumerable: false });
      } catch {
        // Read-only Node globals stay as they are.
      }
    }
    g.window = win;
    g.self = win;
    g.document = win.document;
    g.navigator = win.navigator;
    g.IS_REACT_ACT_ENVIRONMENT = true;
  }

  async teardown() {
    await this.happyWindow.happyDOM.abort();
    this.happyWindow.close();
    await super.teardown();
  }
}

module.exports = HappyDomEnvironment;
