// Entry bundled by load-sdk-crypto.ts: matrix-js-sdk's OutgoingRequestProcessor, the code through
// which bootstrapCrossSigning uploads the keys and calls `authUploadDeviceSigningKeys`.
export { OutgoingRequestProcessor } from 'matrix-js-sdk/lib/rust-crypto/OutgoingRequestProcessor.js';
export { UploadSigningKeysRequest } from './crypto-wasm-stub.mjs';
export { logger } from 'matrix-js-sdk/lib/logger.js';
