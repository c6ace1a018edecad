// Imported only dynamically, by ort-threads.ts: a bundler that splits dynamic imports gives this
// module a script of its own, one that inlines them gives it the importer's. See ort-threads.ts.
export const markerUrl: string = import.meta.url;
