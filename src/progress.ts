/**
 * Progress on stderr, only on a terminal and without --quiet: a bar (cli-progress) for each long
 * stage, with counts and the time left: loading (MB), the rules (one by one), the forests
 * (trees), the probes; the stage name in between. The cursor is shown again on Ctrl-C. Nothing
 * is written when stderr is not a TTY.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  loading(bytesRead: number, totalBytes: number): void;
  /** `done` of `total` in a long loop of `stage` (src/progress-events.ts); `detail` says where. */
  step(stage: string, done: number, total: number, detail?: string): void;
  stage(name: string): void;
  done(): void;
}

const SILENT: Progress = { loading() {}, step() {}, stage() {}, done() {} };
const UNITS: Record<string, string> = { rules: 'rules', 'forest trees': 'trees', probes: 'candidates' };

export function createProgress(enabled: boolean): Progress {
  if (!enabled) return SILENT;
  let bar: cliProgress.SingleBar | null = null;
  let barStage = '';
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
    barStage = '';
  };
  const startBar = (stage: string, total: number, unit: string): cliProgress.SingleBar => {
    stopBar();
    barStage = stage;
    bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${stage} [{bar}] {shown}/{total} ${unit}{detail} | {eta_formatted} left`, hideCursor: true, clearOnComplete: true, etaBuffer: 20, barsize: Math.max(10, Math.min(40, (process.stderr.columns || 80) - 64)) },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { shown: 0, detail: '' });
    return bar;
  };
  process.once('SIGINT', () => {
    process.stderr.write('\r\u001b[2K\u001b[?25h');
    process.exit(130);
  });
  return {
    loading(bytesRead, totalBytes) {
      if (totalBytes < 8 * 2 ** 20) return; // small files load in a blink
      const current = barStage === 'loading' && bar ? bar : startBar('loading', Math.ceil(totalBytes / 2 ** 20), 'MB');
      const mb = Math.floor(bytesRead / 2 ** 20);
      current.update(mb, { shown: mb, detail: '' });
    },
    step(stage, done, total, detail) {
      if (total < 2) return;
      const current = barStage === stage && bar ? bar : startBar(stage, total, UNITS[stage] ?? '');
      current.setTotal(total);
      current.update(done, { shown: Math.floor(done), detail: detail ? ` (${detail})` : '' });
    },
    stage(name) {
      stopBar();
      process.stderr.write(`\r\u001b[2K${name}...`);
    },
    done() {
      stopBar();
      process.stderr.write('\r\u001b[2K\u001b[?25h');
    },
  };
}
