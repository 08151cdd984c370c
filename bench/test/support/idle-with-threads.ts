import { Worker } from 'node:worker_threads';

// a service that stays up until stopped, with a worker thread started after it was pinned
const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
worker.once('online', () => console.log('worker online'));
const timer = setInterval(() => {}, 1_000);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void worker.terminate().then(() => process.exit(0));
});
