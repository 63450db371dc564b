/**
 * Size limits applied to what is parsed from a homeserver's 401 body.
 *
 * A hostile or broken server must not be able to make the client allocate without bound or walk
 * a flow list of millions of entries on every transition. Real servers send a handful of flows of
 * a few stages each (Synapse: at most 6 flows), so these limits are far above any real answer.
 *
 * Each limit is its own constant, which the library's modules import: a minifier gives a
 * constant a one-letter name, while an object's property names (`maxFlows`, ...) stay in an app's
 * bundle. `LIMITS` gathers them for apps and tests, and is bundled only where it is imported.
 */

/** Most flows accepted in one 401 body. */
export const MAX_FLOWS = 64;
/** Most stages accepted in one flow. */
export const MAX_STAGES_PER_FLOW = 32;
/** Longest stage type string. */
export const MAX_STAGE_TYPE_LENGTH = 255;
/** Longest session id. */
export const MAX_SESSION_LENGTH = 1024;
/** Most entries in `completed`. */
export const MAX_COMPLETED = 64;
/** Largest `params` object, measured as JSON text in UTF-16 units. */
export const MAX_PARAMS_JSON_LENGTH = 64 * 1024;
/**
 * Most requests the chart makes by itself in a row (stages that submit without the user, the
 * final `{session}` resubmission) before it fails with `ProtocolError`: a server that never
 * lets a flow finish cannot make it loop.
 */
export const MAX_UNATTENDED_REQUESTS = 16;
/** Most characters of JSON kept of an error body or a transport error; beyond, only `errcode` and `error`. */
export const MAX_KEPT_CHARS = 64 * 1024;
/** Longest server `errcode` or `error` text kept in a `StageError` or `EndpointError` message. */
export const MAX_ERROR_TEXT_LENGTH = 1000;

/** Every limit by name (the constants above). */
export const LIMITS = {
  /** Most flows accepted in one 401 body. */
  maxFlows: MAX_FLOWS,
  /** Most stages accepted in one flow. */
  maxStagesPerFlow: MAX_STAGES_PER_FLOW,
  /** Longest stage type string. */
  maxStageTypeLength: MAX_STAGE_TYPE_LENGTH,
  /** Longest session id. */
  maxSessionLength: MAX_SESSION_LENGTH,
  /** Most entries in `completed`. */
  maxCompleted: MAX_COMPLETED,
  /** Largest `params` object, measured as JSON text in UTF-16 units. */
  maxParamsJsonLength: MAX_PARAMS_JSON_LENGTH,
  /** Most requests the chart makes by itself in a row before it fails with `ProtocolError`. */
  maxUnattendedRequests: MAX_UNATTENDED_REQUESTS,
  /** Most characters of JSON kept of an error body or a transport error. */
  maxKeptChars: MAX_KEPT_CHARS,
  /** Longest server `errcode` or `error` text kept in a `StageError` or `EndpointError` message. */
  maxErrorTextLength: MAX_ERROR_TEXT_LENGTH,
} as const;
