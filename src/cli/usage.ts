// What `webclip --help` prints.
export const USAGE = `webclip: CLIP embeddings of photos, from the command line (as webclip computes them in browsers)

  webclip index FOLDER --out FILE.webclip   embed every photo under FOLDER (again: only new or
                                            changed ones; photos gone are dropped)
      [--model ID|URL|FOLDER] [--model-id ID] [--storage float32|int8] [--image-threads N]
  webclip search FILE "a sentence" [-k 10]  photos ranked by a sentence
  webclip similar FILE PHOTO_ID|IMAGE [-k 10]
  webclip tag FILE [PHOTO_ID|IMAGE] [--vocabulary a,b,c] [-k 5] [--threshold 0.5]
  webclip duplicates FILE [--threshold 0.95]
  webclip export FILE --format parquet|jsonl [--out OUT]   (standard output without --out)
  webclip info FILE

Options for every command that runs the model:
  --model, -m ID|URL|FOLDER   registry id or Hub repository (downloaded once into the cache),
                              http(s) URL, or a model folder (default: the library's model)
  --model-id ID               the id vectors are recorded under: the one pages load the model as
  --dtype auto|fp32|fp16|q8|q4|q4f16     --device auto|cpu|wasm
  --cache-dir DIR             where downloaded models are kept ($WEBCLIP_CACHE, ~/.cache/webclip)
  --image-threads N           threads that decode and resize photos (default: one per 2 cores;
                              0: on the main thread, between batches)
  --json                      machine-readable output on standard output
  --quiet, -q                 no progress on standard error

Exit codes: 0 done; 1 failed (the reason on standard error); 2 wrong arguments;
130 interrupted (Ctrl-C: the library file is complete with the photos done so far).
`;
