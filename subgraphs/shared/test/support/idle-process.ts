// A process that does nothing until it is ended, started by test/support/starter-process.ts.
setInterval(() => {}, 60_000);
