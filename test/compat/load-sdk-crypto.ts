/**
 * Loads matrix-js-sdk's `OutgoingRequestProcessor` (rust-crypto) into the CommonJS test runtime,
 * as load-sdk.ts loads the rest of matrix-js-sdk.
 *
 * `bootstrapCrossSigning` hands its `authUploadDeviceSigningKeys` callback to this class, which
 * builds the `makeRequest(auth)` the callback calls. The crypto wasm module is replaced by
 * crypto-wasm-stub.mjs (its request classes only), so no wasm is loaded and no Olm machine is
 * needed: the key upload goes through matrix-js-sdk's own code all the same.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const entry = path.join(__dirname, 'sdk-crypto-entry.mjs');
const stub = path.join(__dirname, 'crypto-wasm-stub.mjs');
const outfile = path.join(root, 'node_modules/.cache/matrix-uia-test/sdk-crypto.cjs');

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The `UIAuthCallback` shape matrix-js-sdk calls: it runs `makeRequest` with each auth dict. */
export type SdkUIAuthCallback = (makeRequest: (auth: Record<string, unknown> | null) => Promise<unknown>) => Promise<unknown>;

/** matrix-js-sdk's OutgoingRequestProcessor, as far as the tests drive it. */
export interface SdkOutgoingRequestProcessor {
  makeOutgoingRequest(request: object, uiaCallback?: SdkUIAuthCallback): Promise<void>;
}

/** The exports of the bundle, typed by hand. */
export interface SdkCrypto {
  OutgoingRequestProcessor: new (olmMachine: unknown, http: unknown) => SdkOutgoingRequestProcessor;
  /** The stub of the wasm class: `new UploadSigningKeysRequest(undefined, JSON.stringify(keys))`. */
  UploadSigningKeysRequest: new (id: string | undefined, body: string) => object;
  logger: { setLevel(level: string, persist?: boolean): void };
}

let cached: SdkCrypto | undefined;

/** Bundles (when stale) and loads the processor. */
export function loadSdkCrypto(): SdkCrypto {
  if (cached) return cached;
  const sdkPackage = path.join(root, 'node_modules/matrix-js-sdk/package.json');
  const built = mtime(outfile);
  if ([entry, stub, sdkPackage, __filename].some((f) => built < mtime(f))) {
    mkdirSync(path.dirname(outfile), { recursive: true });
    buildSync({
      entryPoints: [entry],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      outfile,
      logLevel: 'error',
      alias: { '@matrix-org/matrix-sdk-crypto-wasm': stub },
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached = require(outfile) as SdkCrypto;
  cached.logger.setLevel('silent', false);
  return cached;
}
