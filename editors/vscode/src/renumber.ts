/**
 * The "Renumber nodes" command: applies the server's `Renumber nodes n1..nN` refactoring to the
 * active FlowZap document, or says why it cannot (the server names the lines to fix first).
 */
import * as vscode from 'vscode';

const TITLE = 'Renumber nodes';

export async function renumberNodes(languageId: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document.languageId !== languageId) {
        void vscode.window.showInformationMessage('Renumber nodes works on an open FlowZap (.fz) document.');
        return;
    }
    const document = editor.document;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        new vscode.Range(0, 0, 0, 0),
        vscode.CodeActionKind.RefactorRewrite.value,
    );
    const action = (actions ?? []).find((candidate) => candidate.title.startsWith(TITLE));
    if (action === undefined) {
        void vscode.window.showInformationMessage('Node IDs already run n1..nN: nothing to renumber.');
        return;
    }
    if (action.disabled !== undefined) {
        void vscode.window.showWarningMessage(`Cannot renumber nodes: ${action.disabled.reason}.`);
        return;
    }
    if (action.edit !== undefined) {
        await vscode.workspace.applyEdit(action.edit);
    }
}
