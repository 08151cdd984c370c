// plain JavaScript: a preload of the processes a test starts (startServiceProcess), loaded
// whatever loader they run under. Each ends itself once the test process that started it is
// gone (killed at the file's timeout, say) instead of running on, holding ports and database
// connections the next test files need.
import process from 'node:process';
import { setInterval } from 'node:timers';

const testPid = Number(process.env.TEST_PROCESS_PID);
if (testPid > 0 && testPid !== process.pid) {
  setInterval(() => {
    try {
      // signal 0 only asks whether the process is there
      process.kill(testPid, 0);
    } catch {
      process.kill(process.pid, 'SIGKILL');
    }
  }, 1_000).unref();
}
