/**
 * What a `NetworkError` keeps of the transport's fault, as its `cause`.
 *
 * An app's transport may reject with an error that holds the request: axios errors carry
 * `config.data` (the JSON body, with the auth dict and its password) and `request`/`response`.
 * Printed with `console.error(err)`, Node shows the whole `cause` chain, so keeping such an
 * error would put the password in a log. A fault whose own fields are only the ones that
 * describe it (`message`, `code`, `errno`, `syscall`, a nested `cause`: what fetch and Node's
 * sockets give) is kept as it is, identity and class included; any other (an `AggregateError`
 * too, whose `errors` are each checked) is replaced by a plain `Error` with just those fields,
 * its message cut where JSON (a quoted body) begins.
 */

/** Own fields that describe a fault without holding what was sent (and are copied when it does). */
const DESCRIBING = ['name', 'message', 'stack', 'cause', 'code', 'errno', 'syscall', 'address', 'port'];

/**
 * The fault itself when it holds nothing but a description, else a plain `Error` copy of that
 * description: name, message (cut where JSON begins), `code`, `errno`, `syscall`, an
 * `AggregateError`'s `errors` and the cause chain, described the same way and at most 4 deep.
 * A non-error object becomes `'[object]'`; a primitive is kept.
 * @param fault - what the transport rejected with
 */
export function transportFault(fault: unknown, depth = 0): unknown {
  try {
    const f = fault as Error & Record<string, unknown>;
    // By shape, not `instanceof Error`: fetch's timeout is a DOMException, perhaps of another realm.
    if (typeof f?.message !== 'string') return typeof f === 'object' && f ? '[object]' : f;
    if (depth > 3) return undefined;
    const cause = transportFault(f.cause, depth + 1);
    if (cause === f.cause && Object.getOwnPropertyNames(f).every((k) => DESCRIBING.includes(k))) return f;
    // A message may quote what was sent ("failed: {...}"): the copy keeps the text before it.
    const copy = new Error(f.message.replace(/[[{][^]*$/, '[…]'), cause === undefined ? undefined : { cause }) as Error & Record<string, unknown>;
    for (const k of DESCRIBING.slice(4, 7)) if (typeof f[k] === 'string' || typeof f[k] === 'number') copy[k] = f[k];
    if (Array.isArray(f.errors)) copy.errors = f.errors.slice(0, 8).map((e: unknown) => transportFault(e, depth + 1));
    copy.name = String(f.name);
    return copy;
  } catch {
    // A throwing getter or trap (a Proxy as the rejection value): nothing of it is kept.
    return undefined;
  }
}
