// transformers.js in a worker of its own for the engine benchmark (transformers-engine.ts).
import * as Comlink from 'comlink';
import { transformersEngine } from './transformers-engine';

Comlink.expose(transformersEngine);
