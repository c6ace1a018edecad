// Where the shared reference data lives: `../shared/reference` beside the repository (CI lays a
// copy there too), or $WEBCLIP_REFERENCE. Read from there, never copied into the repository.
import { join } from 'node:path';

export const REFERENCE_DIR =
  process.env['WEBCLIP_REFERENCE'] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'reference');
