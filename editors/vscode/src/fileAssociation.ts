/**
 * The `.fz` clash with Fuzion: starts the server with the first FlowZap document, gives FlowZap
 * Code the `.fz` files that read like it when another extension took them, and tells the user
 * once how to choose with `files.associations`.
 */
import * as vscode from 'vscode';
import { LINES_TO_READ, looksLikeFlowZap, otherClaimants, userDecidesFz } from './flowzapContent';

const NOTICE_SHOWN_KEY = 'flowzap.fzClashNoticeShown';

function firstLines(document: vscode.TextDocument): string[] {
    const count = Math.min(document.lineCount, LINES_TO_READ);
    const lines: string[] = [];
    for (let i = 0; i < count; i += 1) {
        lines.push(document.lineAt(i).text);
    }
    return lines;
}

export function watchFileAssociations(
    context: vscode.ExtensionContext,
    languageId: string,
    onFlowZapDocument: () => void,
): void {
    const consider = (document: vscode.TextDocument): void => {
        if (document.languageId === languageId) {
            onFlowZapDocument();
            return;
        }
        if (!/\.fz$/i.test(document.uri.path)) {
            return;
        }
        const associations = vscode.workspace.getConfiguration('files', document.uri).get<unknown>('associations');
        if (userDecidesFz(associations) || !looksLikeFlowZap(firstLines(document))) {
            return;
        }
        void vscode.languages.setTextDocumentLanguage(document, languageId).then(undefined, () => undefined);
    };
    context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(consider));
    for (const document of vscode.workspace.textDocuments) {
        consider(document);
    }

    const others = otherClaimants(vscode.extensions.all, context.extension.id);
    if (others.length === 0 || context.globalState.get<boolean>(NOTICE_SHOWN_KEY) === true) {
        return;
    }
    void context.globalState.update(NOTICE_SHOWN_KEY, true);
    const names = others.map((o) => `${o.displayName} (${o.languageIds.join(', ')})`).join(', ');
    const other = others[0]?.languageIds[0] ?? 'fuzion';
    const message =
        `FlowZap: ${names} also claims *.fz files. A .fz file that starts like FlowZap Code (a lane header ` +
        `"Id {" or a node line "n1:") opens as FlowZap; to choose yourself, set files.associations, for ` +
        `example {"**/diagrams/*.fz": "flowzap"} or {"*.fz": "${other}"}.`;
    const open = 'Open Settings';
    void vscode.window.showInformationMessage(message, open).then(async (choice) => {
        if (choice === open) {
            await vscode.commands.executeCommand('workbench.action.openSettings', 'files.associations');
        }
    });
}
