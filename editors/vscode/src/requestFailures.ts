/**
 * What to do with a request that failed: report it, or drop it quietly because the server it
 * was sent to is being stopped or replaced ("Restart Language Server", a changed setting, a
 * crash). A document-highlight or hover asked for while the server restarts has no one to
 * answer it; the editor gets the empty answer and nothing is logged as an error.
 *
 * No `vscode` import here, so the decision can be unit-tested with plain Node.
 */
import { ConnectionError, ErrorCodes } from 'vscode-jsonrpc';

/** JSON-RPC codes that mean "the connection went away". */
const CONNECTION_GONE_CODES: ReadonlySet<number> = new Set([
    ErrorCodes.MessageWriteError,
    ErrorCodes.MessageReadError,
    ErrorCodes.PendingResponseRejected,
    ErrorCodes.ConnectionInactive,
]);

export interface ClientCondition {
    /** The client is being stopped or has been replaced by a new one. */
    retiring: boolean;
    /** The client is in the running state. */
    running: boolean;
}

/** Whether a failed request should be answered with the empty default instead of an error. */
export function dropQuietly(condition: ClientCondition, error: unknown): boolean {
    if (condition.retiring || !condition.running) {
        return true;
    }
    // "Connection is disposed/closed": thrown when a request is written after the connection ended.
    if (error instanceof ConnectionError) {
        return true;
    }
    const code = (error as { code?: unknown } | null | undefined)?.code;
    return typeof code === 'number' && CONNECTION_GONE_CODES.has(code);
}
