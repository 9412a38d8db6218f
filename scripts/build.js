// npm run build: the three build steps in order, in one process (each is a module that does its
// work when imported): transpile src/ to dist/, compile the schema's validator (it imports what
// the first step wrote), then bundle dist/ for bin/. One Node start instead of three.
await import('./transpile.js');
await import('./compile-schema.js');
await import('./bundle.js');
