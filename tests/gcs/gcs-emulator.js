'use strict';

// Starts the Cloud Storage emulator of firebase-tools (pinned in package.json) for the Restore tests, without the
// firebase CLI: the CLI insists on Java 21 for every emulator, and the storage emulator's Firebase security rules
// need a Java rules runtime that it downloads. Neither is needed here: the tests use only the emulator's
// Google Cloud Storage JSON API (/storage/v1/..., /upload/storage/v1/..., /download/storage/v1/...), which serves
// every request as an admin and never evaluates rules, so the rules runtime is left unstarted.
// Usage: node gcs-emulator.js [port]   (0 or nothing: a free port). Prints "listening on 127.0.0.1:<port>".

const net = require('net');
const { StorageEmulator } = require('firebase-tools/lib/emulator/storage');
const { EmulatorRegistry } = require('firebase-tools/lib/emulator/registry');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

(async () => {
  const port = Number(process.argv[2] || 0) || (await freePort());
  const emulator = new StorageEmulator({ host: '127.0.0.1', port, projectId: 'demo-restore', rules: [], auto_download: false });
  const none = async () => {};
  emulator._rulesRuntime.start = none;
  emulator._rulesRuntime.stop = none;
  emulator._rulesManager.start = none;
  emulator._rulesManager.stop = none;
  await EmulatorRegistry.start(emulator);
  console.log(`listening on 127.0.0.1:${port}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
