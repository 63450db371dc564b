// Entry bundled by load-sdk.ts: the parts of matrix-js-sdk (ESM-only) the compat tests use.
export { InteractiveAuth, NoAuthFlowFoundError, AuthType } from 'matrix-js-sdk/lib/interactive-auth.js';
export { MatrixError, HTTPError } from 'matrix-js-sdk/lib/http-api/index.js';
export { createClient } from 'matrix-js-sdk/lib/matrix.js';
export { logger } from 'matrix-js-sdk/lib/logger.js';
