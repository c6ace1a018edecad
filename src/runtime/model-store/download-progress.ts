// Sums per-file download progress into one overall figure: several files download at once,
// and a progress bar wants one number. Files read from the cache report nothing.
import type { ProgressEvent } from '../../shared/progress';

export class DownloadProgress {
  private readonly files = new Map<string, { loaded: number; total: number | undefined }>();

  constructor(private readonly emit: (event: ProgressEvent) => void) {}

  /** The progress callback for one file's download. */
  forFile(file: string): (loaded: number, total: number | undefined) => void {
    return (loaded, total) => {
      this.files.set(file, { loaded, total });
      let all = 0;
      let sum: number | undefined = 0;
      for (const f of this.files.values()) {
        all += f.loaded;
        sum = f.total === undefined || sum === undefined ? undefined : sum + f.total;
      }
      this.emit({
        phase: 'download',
        file,
        loaded,
        ...(total === undefined ? {} : { total }),
        overall: { loaded: all, ...(sum === undefined ? {} : { total: sum }) },
      });
    };
  }
}
