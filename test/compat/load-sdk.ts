/**
 * Loads matrix-js-sdk into the CommonJS test runtime.
 *
 * matrix-js-sdk is ESM-only and jest runs CommonJS here, so the pieces the compat tests need
 * (sdk-entry.mjs) are bundled once with esbuild into node_modules/.cache and required. The
 * bundle is rebuilt only when the entry or the installed matrix-js-sdk is newer than it.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const entry = path.join(__dirname, 'sdk-entry.mjs');
const outfile = path.join(root, 'node_modules/.cache/matrix-uia-test/sdk.cjs');

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** matrix-js-sdk's InteractiveAuth, as the tests drive it (the same surface as ours). */
export interface SdkInteractiveAuth {
  attemptAuth(): Promise<unknown>;
  poll(): Promise<void>;
  submitAuthDict(auth: Record<string, unknown>, background?: boolean): Promise<void>;
  getSessionId(): string | undefined;
  getClientSecret(): string;
  getStageParams(type: string): Record<string, unknown> | undefined;
  getChosenFlow(): { stages: string[] } | null;
  getEmailSid(): string | undefined;
  setEmailSid(sid: string): void;
  requestEmailToken(): Promise<void>;
}

/** The matrix-js-sdk exports the tests use, typed by hand (its ESM types are not importable from CommonJS). */
export interface Sdk {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  InteractiveAuth: new (opts: any) => SdkInteractiveAuth;
  MatrixError: new (errorJson?: Record<string, unknown>, httpStatus?: number, url?: string) => Error & { httpStatus?: number; data: Record<string, unknown> };
  HTTPError: new (msg: string, httpStatus?: number) => Error & { httpStatus?: number };
  NoAuthFlowFoundError: new (m: string, required: string[], flows: unknown[]) => Error;
  createClient: (opts: Record<string, unknown>) => SdkClient;
  logger: { setLevel(level: string, persist?: boolean): void };
}

/** The MatrixClient methods the tests call. */
export interface SdkClient {
  setPassword(auth: unknown, newPassword: string, logoutDevices?: boolean): Promise<unknown>;
  deleteDevice(deviceId: string, auth?: unknown): Promise<unknown>;
  deleteMultipleDevices(devices: string[], auth?: unknown): Promise<unknown>;
  deactivateAccount(auth?: unknown, erase?: boolean): Promise<unknown>;
  registerRequest(data: Record<string, unknown>, kind?: string): Promise<unknown>;
  generateClientSecret(): string;
  getHomeserverUrl(): string;
  getUserId(): string | null;
  getFallbackAuthUrl(loginType: string, session: string): string;
  requestRegisterEmailToken(email: string, clientSecret: string, sendAttempt: number, nextLink?: string): Promise<{ sid: string }>;
  stopClient(): void;
}

let cached: Sdk | undefined;

/** Bundles (when stale) and loads matrix-js-sdk. */
export function loadSdk(): Sdk {
  if (cached) return cached;
  const sdkPackage = path.join(root, 'node_modules/matrix-js-sdk/package.json');
  const built = mtime(outfile);
  if (built < mtime(entry) || built < mtime(sdkPackage) || built < mtime(__filename)) {
    mkdirSync(path.dirname(outfile), { recursive: true });
    buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', target: 'node20', outfile, logLevel: 'error' });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached = require(outfile) as Sdk;
  // Its debug lines ("Active flow => ...") would bury the test output.
  cached.logger.setLevel('silent', false);
  return cached;
}

/** The matrix-js-sdk versions the differential tests compare with, by the package name installed. */
export const SDK_VERSIONS = { '36.2.0': 'matrix-js-sdk-36', '37.5.0': 'matrix-js-sdk', '43.0.0': 'matrix-js-sdk-43' } as const;
/** One of {@link SDK_VERSIONS}. */
export type SdkVersion = keyof typeof SDK_VERSIONS;

/** The part of a matrix-js-sdk version the InteractiveAuth tests need. */
export type InteractiveAuthSdk = Pick<Sdk, 'InteractiveAuth' | 'MatrixError' | 'HTTPError' | 'NoAuthFlowFoundError' | 'logger'>;

// matrix-js-sdk ≥ 43 calls Promise.withResolvers (Node 22); Node 20 lacks it. The polyfill goes in
// the bundle's banner so it is in place before the library's first line runs.
const WITH_RESOLVERS_POLYFILL = `if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () { let resolve, reject; const promise = new this((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };
}`;

const lightCache = new Map<SdkVersion, InteractiveAuthSdk>();

/**
 * Loads only `InteractiveAuth`, the HTTP errors and the logger of one installed matrix-js-sdk
 * version (a small bundle per version, rebuilt when that package changes).
 */
export function loadInteractiveAuthSdk(version: SdkVersion): InteractiveAuthSdk {
  const hit = lightCache.get(version);
  if (hit) return hit;
  const pkg = SDK_VERSIONS[version];
  const out = path.join(root, `node_modules/.cache/matrix-uia-test/interactive-auth-${version}.cjs`);
  const built = mtime(out);
  if (built < mtime(path.join(root, 'node_modules', pkg, 'package.json')) || built < mtime(__filename)) {
    mkdirSync(path.dirname(out), { recursive: true });
    buildSync({
      stdin: {
        contents: [
          `export { InteractiveAuth, NoAuthFlowFoundError } from '${pkg}/lib/interactive-auth.js';`,
          `export { MatrixError, HTTPError } from '${pkg}/lib/http-api/index.js';`,
          `export { logger } from '${pkg}/lib/logger.js';`,
        ].join('\n'),
        resolveDir: root,
        loader: 'js',
      },
      banner: { js: WITH_RESOLVERS_POLYFILL },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      outfile: out,
      logLevel: 'error',
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require(out) as InteractiveAuthSdk;
  sdk.logger.setLevel('silent', false);
  lightCache.set(version, sdk);
  return sdk;
}
