/**
 * Progress on stderr, only on a terminal and without --quiet: a bar (cli-progress) while the
 * file loads, then the stage names. Nothing is written when stderr is not a TTY.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  loading(bytesRead: number, totalBytes: number): void;
  stage(name: string): void;
  done(): void;
}

const SILENT: Progress = { loading() {}, stage() {}, done() {} };

export function createProgress(enabled: boolean): Progress {
  if (!enabled) return SILENT;
  let bar: cliProgress.SingleBar | null = null;
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  return {
    loading(bytesRead, totalBytes) {
      if (totalBytes < 8 * 2 ** 20) return; // small files load in a blink
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: 'loading [{bar}] {percentage}% {value}/{total} MB', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.ceil(totalBytes / 2 ** 20), 0);
      }
      bar.update(Math.floor(bytesRead / 2 ** 20));
    },
    stage(name) {
      stopBar();
      process.stderr.write(`\r\u001b[2K${name}...`);
    },
    done() {
      stopBar();
      process.stderr.write('\r\u001b[2K');
    },
  };
}
