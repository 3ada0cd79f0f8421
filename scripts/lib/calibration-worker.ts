/**
 * Child process of the calibration pool (scripts/lib/calibration.ts runTasks): receives
 * { dir, task } messages, runs each task in-process and answers { result }; exits when the
 * parent disconnects.
 */
import { runTask, type Task } from './calibration.js';

process.on('message', (message: { dir: string; task: Task }) => {
  void runTask(message.dir, message.task).then((result) => process.send!({ result }));
});
process.on('disconnect', () => process.exit(0));
