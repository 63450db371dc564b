/**
 * Size limits applied to what is parsed from a homeserver's 401 body.
 *
 * A hostile or broken server must not be able to make the client allocate without bound or walk
 * a flow list of millions of entries on every transition. Real servers send a handful of flows of
 * a few stages each (Synapse: at most 6 flows), so these limits are far above any real answer.
 */
export const LIMITS = {
  /** Most flows accepted in one 401 body. */
  maxFlows: 64,
  /** Most stages accepted in one flow. */
  maxStagesPerFlow: 32,
  /** Longest stage type string. */
  maxStageTypeLength: 255,
  /** Longest session id. */
  maxSessionLength: 1024,
  /** Most entries in `completed`. */
  maxCompleted: 64,
  /** Largest `params` object, measured as JSON text in UTF-16 units. */
  maxParamsJsonLength: 64 * 1024,
  /**
   * Most requests the chart makes by itself in a row (stages that submit without the user, the
   * final `{session}` resubmission) before it fails with `ProtocolError`: a server that never
   * lets a flow finish cannot make it loop.
   */
  maxUnattendedRequests: 16,
  /** Most characters of JSON kept of an error body or a transport error; beyond, only `errcode` and `error`. */
  maxKeptChars: 64 * 1024,
  /** Longest server `errcode` or `error` text kept in a `StageError` or `EndpointError` message. */
  maxErrorTextLength: 1000,
} as const;
