/**
 * FlowZap Code for VS Code: starts the fz-lsp language server for `flowzap` documents.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
    CloseAction,
    CloseHandlerResult,
    DidChangeConfigurationNotification,
    ErrorAction,
    ErrorHandlerResult,
    Executable,
    LanguageClient,
    LanguageClientOptions,
    Message,
    MessageSignature,
    RevealOutputChannelOn,
    State,
} from 'vscode-languageclient/node';
import { FenceRenderer, MarkdownIt } from './markdown';
import { PreviewManager } from './preview';
import { activeInterpreter, isPythonExtensionInstalled, onDidChangeInterpreter } from './python';
import { watchFileAssociations } from './fileAssociation';
import { dropQuietly } from './requestFailures';
import { importStrategy, LocateResult, locateServer, ServerCommand } from './serverLocator';
import { RESHAPE_SETTINGS, ReshapeSettings, toReshapeSettings } from './reshape';
import { renumberNodes } from './renumber';
import { configurationAnswer, ServerSettings, SettingProblem, toServerSettings } from './settings';

const LANGUAGE_ID = 'flowzap';
const CLIENT_ID = 'flowzap';
const CLIENT_NAME = 'FlowZap Language Server';
const OUTPUT_NAME = 'FlowZap Language Server';

/** A server that stops more often than this in the window below is not restarted again. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

let manager: ServerManager | undefined;

export function activate(context: vscode.ExtensionContext): { extendMarkdownIt(md: MarkdownIt): MarkdownIt } {
    const output = vscode.window.createOutputChannel(OUTPUT_NAME, { log: true });
    const status = vscode.languages.createLanguageStatusItem('flowzap.server', { language: LANGUAGE_ID });
    status.name = 'FlowZap language server';
    manager = new ServerManager(output, status, context.extensionPath);
    context.subscriptions.push(
        output,
        status,
        manager,
        vscode.commands.registerCommand('flowzap.restartServer', () => manager?.restart(true)),
        vscode.commands.registerCommand('flowzap.showServerOutput', () => output.show(true)),
        vscode.commands.registerCommand('flowzap.renumberNodes', () => renumberNodes(LANGUAGE_ID)),
        vscode.workspace.onDidChangeConfiguration((event) => manager?.onConfigurationChanged(event)),
    );
    // The extension also wakes up for other languages that claim *.fz (Fuzion): the server starts
    // with the first FlowZap document, and a .fz file that reads like FlowZap Code becomes one.
    const startServer = () => {
        if (manager !== undefined && !manager.started) {
            void manager.start();
        }
    };
    watchFileAssociations(context, LANGUAGE_ID, startServer);
    // The preview and the Markdown fences ask the running server; a fence starts it if need be.
    const fences = new FenceRenderer(() => manager?.runningClient(), startServer);
    context.subscriptions.push(...new PreviewManager(context.extensionUri, () => manager?.runningClient()).register(), fences);
    return { extendMarkdownIt: (md) => fences.extendMarkdownIt(md) };
}

export async function deactivate(): Promise<void> {
    const current = manager;
    manager = undefined;
    await current?.stop();
}

/** The settings the server gets under `fz-lsp`, for one resource (or the workspace). */
function serverSettings(
    scope: vscode.ConfigurationScope | undefined,
    problems?: SettingProblem[],
): ServerSettings & ReshapeSettings {
    const config = vscode.workspace.getConfiguration('flowzap', scope);
    return {
        ...toServerSettings(config.get<unknown>('debounceMs'), config.get<unknown>('severity'), problems),
        ...toReshapeSettings((key) => config.get<unknown>(key)),
    };
}

/**
 * LanguageClient whose own pop-ups are turned into log lines: the manager shows one message per
 * failure instead of the library's stack of "couldn't create connection" / "server crashed" pop-ups.
 */
class FlowZapLanguageClient extends LanguageClient {
    /** Set once this client is being stopped or replaced: its failed requests are dropped quietly. */
    public retiring = false;
    /** Told the method of every request dropped that way (for the log). */
    public onDropped: ((method: string) => void) | undefined;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    public override error(message: string, data?: any, _showNotification?: boolean | 'force'): void {
        super.error(message, data, false);
    }

    /** A request caught by a restart gets the empty answer instead of an error (see requestFailures.ts). */
    public override handleFailedRequest<T>(
        type: MessageSignature,
        token: vscode.CancellationToken | undefined,
        error: unknown,
        defaultValue: T,
        showNotification?: boolean,
    ): T {
        if (dropQuietly({ retiring: this.retiring, running: this.isRunning() }, error)) {
            this.onDropped?.(type.method);
            return defaultValue;
        }
        return super.handleFailedRequest(type, token, error, defaultValue, showNotification);
    }
}

class ServerManager implements vscode.Disposable {
    private client: FlowZapLanguageClient | undefined;
    private server: ServerCommand | undefined;
    private queue: Promise<void> = Promise.resolve();
    private stopTimes: number[] = [];
    private interpreterWatch: vscode.Disposable | undefined;
    private restartTimer: NodeJS.Timeout | undefined;
    private reportedProblems = new Set<string>();
    private disposed = false;
    /** Whether start() was called (the server starts with the first FlowZap document). */
    public started = false;

    constructor(
        private readonly output: vscode.LogOutputChannel,
        private readonly status: vscode.LanguageStatusItem,
        private readonly extensionPath: string,
    ) {}

    start(): Promise<void> {
        this.started = true;
        return this.enqueue(() => this.doStart(false));
    }

    /** The client while its server is running (for the preview's requests). */
    runningClient(): LanguageClient | undefined {
        return this.client?.isRunning() ? this.client : undefined;
    }

    /** Stop and start again; `userAsked` when it comes from the command (then messages are shown again). */
    restart(userAsked: boolean): Promise<void> {
        this.started = true;
        return this.enqueue(async () => {
            if (userAsked) {
                this.output.info('Restart requested.');
                this.reportedProblems.clear();
            }
            this.stopTimes = [];
            await this.doStop();
            await this.doStart(userAsked);
        });
    }

    stop(): Promise<void> {
        return this.enqueue(() => this.doStop());
    }

    dispose(): void {
        this.disposed = true;
        if (this.restartTimer !== undefined) {
            clearTimeout(this.restartTimer);
        }
        this.interpreterWatch?.dispose();
    }

    onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
        if (event.affectsConfiguration('flowzap.server')) {
            // Restart once the user has finished typing the path.
            if (this.restartTimer !== undefined) {
                clearTimeout(this.restartTimer);
            }
            this.restartTimer = setTimeout(() => {
                this.restartTimer = undefined;
                if (!this.started) {
                    return; // no FlowZap document yet: the new settings apply when one opens
                }
                this.output.info('Server settings changed: restarting the server.');
                void this.restart(false);
            }, 500);
            return;
        }
        if (
            event.affectsConfiguration('flowzap.debounceMs') ||
            event.affectsConfiguration('flowzap.severity') ||
            RESHAPE_SETTINGS.some((setting) => event.affectsConfiguration(setting))
        ) {
            const problems: SettingProblem[] = [];
            const settings = serverSettings(undefined, problems);
            this.reportSettingProblems(problems);
            const client = this.client;
            if (client !== undefined && client.state === State.Running) {
                // Pull-model servers re-ask with workspace/configuration; push-model ones read this.
                void client
                    .sendNotification(DidChangeConfigurationNotification.type, { settings: { 'fz-lsp': settings } })
                    .catch((error: unknown) => this.output.error(`Sending the new settings failed: ${String(error)}`));
            }
        }
    }

    private enqueue(task: () => Promise<void>): Promise<void> {
        const next = this.queue.then(task, task).catch((error: unknown) => {
            this.output.error(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        });
        this.queue = next;
        return next;
    }

    private async doStart(userAsked: boolean): Promise<void> {
        if (this.disposed) {
            return;
        }
        this.setStatus('starting');
        const config = vscode.workspace.getConfiguration('flowzap');
        const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
        const pythonInstalled = isPythonExtensionInstalled();
        const located: LocateResult = await locateServer({
            serverPath: stringSetting(config.get<unknown>('server.path')),
            serverArgs: arraySetting(config.get<unknown>('server.args')),
            pythonSetting: stringSetting(config.get<unknown>('server.python')),
            importStrategy: importStrategy(config.get<unknown>('server.importStrategy')),
            bundledScript: path.join(this.extensionPath, 'bundled', 'tool', 'fz_lsp_server.py'),
            workspaceFolder: folder?.uri.fsPath,
            pythonFromExtension: pythonInstalled ? () => activeInterpreter(folder?.uri) : undefined,
        });
        for (const line of located.log) {
            this.output.info(`Looking for the server: ${line}`);
        }
        if (!located.ok) {
            this.setStatus('missing', located.message);
            this.output.error(located.message);
            this.notify('error', located.message, userAsked, {
                openSetting: located.reason === 'missing' ? 'flowzap.server.importStrategy' : undefined,
            });
            await this.watchInterpreter(pythonInstalled);
            return;
        }
        this.server = located.server;
        await this.watchInterpreter(pythonInstalled && located.server.source === 'python-extension');

        const problems: SettingProblem[] = [];
        const initialSettings = serverSettings(undefined, problems);
        this.reportSettingProblems(problems);

        const executable: Executable = {
            command: located.server.command,
            args: located.server.args,
            options: {
                cwd: folder?.uri.fsPath,
                env: { ...process.env, PYTHONUNBUFFERED: '1' },
            },
        };
        let initialized = false;
        const stderr = new StderrTail(this.output);
        const clientOptions: LanguageClientOptions = {
            documentSelector: [
                { scheme: 'file', language: LANGUAGE_ID },
                { scheme: 'untitled', language: LANGUAGE_ID },
            ],
            outputChannel: stderr.channel,
            traceOutputChannel: this.output,
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            diagnosticCollectionName: 'flowzap',
            initializationOptions: initialSettings,
            markdown: { isTrusted: false, supportHtml: false },
            initializationFailedHandler: (error: unknown) => {
                this.output.error(`The server failed to initialize: ${describeError(error)}`);
                return false;
            },
            errorHandler: {
                error: (error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult => {
                    this.output.error(`Connection to the server failed: ${error.message}`);
                    if (!initialized || (count ?? 0) > 3) {
                        return { action: ErrorAction.Shutdown, handled: true };
                    }
                    return { action: ErrorAction.Continue, handled: true };
                },
                closed: (): CloseHandlerResult => this.onServerClosed(initialized),
            },
            middleware: {
                workspace: {
                    configuration: async (params, token, next) => {
                        const answers = params.items.map((item) => {
                            const scope = item.scopeUri !== undefined ? vscode.Uri.parse(item.scopeUri) : undefined;
                            return configurationAnswer(item.section, serverSettings(scope));
                        });
                        if (answers.every((a) => a.handled)) {
                            return answers.map((a) => (a.handled ? a.value : null));
                        }
                        const others = await next(params, token);
                        if (!Array.isArray(others)) {
                            return others;
                        }
                        return answers.map((a, i) => (a.handled ? a.value : others[i]));
                    },
                },
            },
        };

        const client = new FlowZapLanguageClient(CLIENT_ID, CLIENT_NAME, executable, clientOptions);
        client.onDropped = (method) => this.output.info(`Dropped ${method}: the server is restarting.`);
        this.client = client;
        this.output.info(`Starting ${located.server.description}: ${[executable.command, ...(executable.args ?? [])].join(' ')}`);
        let failure: string | undefined;
        try {
            await client.start();
            // vscode-languageclient 9 can resolve start() although the server died during
            // initialize, so the state is what counts.
            if (!client.isRunning()) {
                failure = 'it stopped during start-up';
            }
        } catch (error) {
            // A failed spawn ("spawn /x EACCES") says what is wrong; anything else ("write EPIPE",
            // "Pending response rejected") only means the process went away.
            const text = firstLine(describeError(error));
            failure = /^spawn\b/.test(text) ? text : 'it stopped during start-up';
        }
        if (failure !== undefined) {
            this.client = undefined;
            await stopQuietly(client);
            await stderr.settled();
            const lastWords = stderr.lastLine();
            const said = lastWords !== undefined ? ` and said "${lastWords}"` : '';
            const message = `The FlowZap language server could not start: ${trimStop(failure)}${said}. Command: ${located.server.description}. The output channel "${OUTPUT_NAME}" has the details.`;
            this.output.error(message);
            this.setStatus('failed', message);
            this.notify('error', message, userAsked, {});
            return;
        }
        initialized = true;
        const info = client.initializeResult?.serverInfo;
        const version = info?.version !== undefined ? ` ${info.version}` : '';
        this.output.info(`Server started: ${info?.name ?? 'fz-lsp'}${version}, ${located.server.description}.`);
        this.setStatus('running', `${info?.name ?? 'fz-lsp'}${version}`);
    }

    private onServerClosed(initialized: boolean): CloseHandlerResult {
        if (!initialized) {
            // start() fails and doStart reports it once.
            return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        this.stopTimes = this.stopTimes.filter((t) => now - t < RESTART_WINDOW_MS);
        this.stopTimes.push(now);
        if (this.stopTimes.length <= MAX_RESTARTS) {
            this.output.warn(`The server stopped unexpectedly; restarting it (${this.stopTimes.length} of ${MAX_RESTARTS}).`);
            return { action: CloseAction.Restart, handled: true };
        }
        const message = `The FlowZap language server stopped ${this.stopTimes.length} times in ${RESTART_WINDOW_MS / 60000} minutes and will not be restarted. Run "FlowZap: Restart Language Server" once it is fixed.`;
        this.output.error(message);
        this.setStatus('failed', message);
        this.notify('error', message, true, {});
        return { action: CloseAction.DoNotRestart, handled: true };
    }

    private async doStop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client !== undefined) {
            client.retiring = true;
            await stopQuietly(client);
            this.output.info('Server stopped.');
        }
        this.setStatus('stopped');
    }

    private async watchInterpreter(watch: boolean): Promise<void> {
        if (!watch) {
            this.interpreterWatch?.dispose();
            this.interpreterWatch = undefined;
            return;
        }
        if (this.interpreterWatch === undefined) {
            this.interpreterWatch = await onDidChangeInterpreter(() => {
                this.output.info('The Python interpreter changed: restarting the server.');
                void this.restart(false);
            });
        }
    }

    private reportSettingProblems(problems: SettingProblem[]): void {
        for (const problem of problems) {
            this.output.warn(problem.message);
            this.notify('warning', problem.message, false, { openSetting: problem.setting });
        }
    }

    /**
     * One notification per distinct message per session (again after an explicit restart), with
     * the actions that help: copy the install command, open the settings, show the log.
     */
    private notify(
        level: 'warning' | 'error',
        message: string,
        force: boolean,
        extra: { openSetting?: string | undefined },
    ): void {
        if (!force && this.reportedProblems.has(message)) {
            return;
        }
        this.reportedProblems.add(message);
        const settings = 'Open Settings';
        const show = 'Show Output';
        const actions = [settings, show];
        const shown =
            level === 'error'
                ? vscode.window.showErrorMessage(`FlowZap: ${message}`, ...actions)
                : vscode.window.showWarningMessage(`FlowZap: ${message}`, ...actions);
        void shown.then(async (choice) => {
            if (choice === settings) {
                await vscode.commands.executeCommand('workbench.action.openSettings', extra.openSetting ?? 'flowzap.server');
            } else if (choice === show) {
                this.output.show(true);
            }
        });
    }

    private setStatus(state: 'starting' | 'running' | 'stopped' | 'missing' | 'failed', detail?: string): void {
        const status = this.status;
        status.busy = state === 'starting';
        switch (state) {
            case 'starting':
                status.text = 'fz-lsp: starting';
                status.severity = vscode.LanguageStatusSeverity.Information;
                status.detail = undefined;
                status.command = { title: 'Show Output', command: 'flowzap.showServerOutput' };
                break;
            case 'running':
                status.text = detail ?? 'fz-lsp';
                status.severity = vscode.LanguageStatusSeverity.Information;
                status.detail = this.server?.description;
                status.command = { title: 'Restart', command: 'flowzap.restartServer' };
                break;
            case 'stopped':
                status.text = 'fz-lsp: stopped';
                status.severity = vscode.LanguageStatusSeverity.Information;
                status.detail = undefined;
                status.command = { title: 'Start', command: 'flowzap.restartServer' };
                break;
            case 'missing':
            case 'failed':
                status.text = state === 'missing' ? 'fz-lsp: not found' : 'fz-lsp: failed';
                status.severity = vscode.LanguageStatusSeverity.Error;
                status.detail = detail;
                status.command = { title: 'Show Output', command: 'flowzap.showServerOutput' };
                break;
        }
    }
}

/**
 * The output channel handed to the client, remembering the last lines the server wrote to
 * stderr (the client copies stderr with `append`), so that a failed start can quote them.
 */
class StderrTail {
    readonly channel: vscode.LogOutputChannel;
    private tail = '';
    private lastWrite = 0;

    constructor(output: vscode.LogOutputChannel) {
        this.channel = new Proxy(output, {
            get: (target, property) => {
                if (property === 'append') {
                    return (value: string) => {
                        this.tail = (this.tail + value).slice(-4000);
                        this.lastWrite = Date.now();
                        target.append(value);
                    };
                }
                const value: unknown = Reflect.get(target, property);
                return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
            },
        });
    }

    /** Resolves once stderr has been quiet for `idleMs` (at most `maxMs`): a dying process's last words arrive late. */
    async settled(idleMs = 250, maxMs = 2000): Promise<void> {
        const start = Date.now();
        while (Date.now() - start < maxMs && Date.now() - Math.max(this.lastWrite, start) < idleMs) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
    }

    lastLine(): string | undefined {
        const lines = this.tail.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
        const line = lines[lines.length - 1];
        return line === undefined ? undefined : line.length > 200 ? `${line.slice(0, 200)}…` : line;
    }
}

async function stopQuietly(client: LanguageClient): Promise<void> {
    try {
        if (client.needsStop()) {
            await client.stop(2000);
        }
    } catch {
        // The process is gone or never started; nothing left to stop.
    }
}

function describeError(error: unknown): string {
    if (error instanceof Error) {
        return error.message;
    }
    if (error !== null && typeof error === 'object' && 'message' in error) {
        return String((error as { message: unknown }).message);
    }
    return String(error);
}

/** A string setting; anything else (a hand-edited `42` or `null`) counts as unset. */
function stringSetting(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

function arraySetting(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : [];
}

function trimStop(text: string): string {
    return text.replace(/[.\s]+$/, '');
}

function firstLine(text: string): string {
    const line = text.split(/\r?\n/).find((l) => l.trim().length > 0) ?? text;
    return line.replace(/[.\s]+$/, '');
}
