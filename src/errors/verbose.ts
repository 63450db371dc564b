/**
 * Whether the library's own diagnostic messages are written out in full.
 *
 * The core's developer-facing messages (what exactly is wrong with a 401 body, which option is
 * unusable and how to fix it) are long text that an app's production bundle carries for a case
 * its users rarely see. As in XState and React, production browser builds get a short form of
 * each instead: the same error class, `code` and fields, and a message that still names the
 * field or option (`Homeserver protocol error: bad 401 flows`). Server text (a stage refusal's
 * `error`) and the messages apps show or compare (NoAuthFlowFoundError's, AbortedError's) are
 * never shortened.
 *
 * Which form an app gets is the package's `#verbose` import (package.json `imports`), resolved by
 * its bundler or Node:
 *
 * - the `development` condition (Vite's dev server, webpack in development mode,
 *   `--conditions=development`): this module, full text;
 * - else the `browser` condition (a production browser build: Vite, webpack, esbuild with
 *   `platform: 'browser'`): dist/src/errors/verbose.production.mjs, `VERBOSE = false`, and the
 *   bundler drops every long message as dead code;
 * - else (Node, SSR, jest's node environment, this repository's tests): this module, full text.
 *
 * A `const` in a module of its own so that an app's bundler inlines it into every module that
 * reads it and removes the branch not taken (scripts/build.mjs writes the production variant).
 */
export const VERBOSE: boolean = true;
