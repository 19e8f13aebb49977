/*
 * Entrypoint for ace commands. TypeScript is compiled on the fly in development;
 * the production build ships compiled JavaScript next to this file.
 */
import 'ts-node-maintained/register/esm'

await import('./bin/console.js')
