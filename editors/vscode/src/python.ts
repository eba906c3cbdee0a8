/**
 * The active interpreter of the Python extension (ms-python.python), when it is installed.
 *
 * The extension's API is read defensively: it is optional, and its shape has changed over time
 * (`environments` since 2022, `settings.getExecutionDetails` before that).
 */
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
    id: string;
    path: string;
}

interface ResolvedEnvironment {
    executable?: { uri?: vscode.Uri };
}

interface PythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath | undefined;
        resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
    };
    settings?: {
        getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] | undefined };
    };
}

export function isPythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

async function api(): Promise<PythonExtensionApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (extension === undefined) {
        return undefined;
    }
    const exports = extension.isActive ? extension.exports : await extension.activate();
    return exports ?? undefined;
}

/** The interpreter the Python extension would use for `resource`, or undefined. */
export async function activeInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
    const python = await api();
    if (python === undefined) {
        return undefined;
    }
    const environments = python.environments;
    if (environments !== undefined) {
        const envPath = environments.getActiveEnvironmentPath(resource);
        if (envPath !== undefined) {
            const resolved = await environments.resolveEnvironment(envPath);
            const executable = resolved?.executable?.uri?.fsPath;
            if (executable !== undefined && executable.length > 0) {
                return executable;
            }
            if (envPath.path.length > 0) {
                return envPath.path;
            }
        }
    }
    const command = python.settings?.getExecutionDetails?.(resource).execCommand;
    if (command !== undefined && command.length === 1 && command[0] !== undefined) {
        return command[0];
    }
    return undefined;
}

/** Calls `listener` when the user picks another interpreter in the Python extension. */
export async function onDidChangeInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    try {
        const python = await api();
        return python?.environments?.onDidChangeActiveEnvironmentPath?.(() => listener());
    } catch {
        return undefined;
    }
}
