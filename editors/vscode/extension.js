// The callflow extension: the `flow` language (grammar and editing rules,
// from package.json) and a client of `callflow lsp`, the language server
// that gives diagnostics, hover, navigation, rename, completion, outline,
// quick fixes and semantic highlighting.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function createClient() {
  const config = vscode.workspace.getConfiguration('callflow');
  const command = config.get('path') || 'callflow';
  const target = config.get('target') || null;
  return new LanguageClient(
    'callflow',
    'callflow',
    { command, args: ['lsp'] },
    {
      documentSelector: [
        { scheme: 'file', language: 'flow' },
        { scheme: 'untitled', language: 'flow' },
      ],
      // The provider whose checks to add; a `# target: <id>` first line wins.
      initializationOptions: { target },
    },
  );
}

async function restart() {
  if (client) {
    await client.stop();
  }
  client = createClient();
  await client.start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('callflow.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('callflow')) {
        restart().catch((e) => vscode.window.showErrorMessage(`callflow: ${e.message}`));
      }
    }),
  );
  try {
    await restart();
  } catch (e) {
    vscode.window.showErrorMessage(
      `callflow: cannot start \`${vscode.workspace.getConfiguration('callflow').get('path')} lsp\` ` +
        `(${e.message}). Install callflow or set "callflow.path".`,
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
