// Test helper process: takes the data dir lock of argv[2] and keeps it until it is killed.
import { acquireDataDirLock } from '../data-dir-lock.ts';

await acquireDataDirLock({ dataDir: process.argv[2] ?? '', command: 'test holder' });
console.log('locked');
setInterval(() => {}, 1000);
