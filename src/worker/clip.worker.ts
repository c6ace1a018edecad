// webclip's worker: serves the worker API (clip-api.ts) to the page over comlink.
import * as Comlink from 'comlink';
import { installTransferHandlers } from '../shared/transfer-handlers';
import { createClipApi } from './clip-api';

installTransferHandlers();
Comlink.expose(createClipApi().api);
