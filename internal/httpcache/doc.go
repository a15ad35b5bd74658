// Package httpcache keeps rendered HTTP responses in memory and serves them
// the way caches and browsers expect: strong ETags, gzip and brotli chosen
// by Accept-Encoding, 304 Not Modified, and a fixed Cache-Control policy.
//
// It has three parts, each safe for concurrent use:
//   - Rendition: one rendered body with its precomputed encodings and tags,
//     written by Write.
//   - Cache: renditions bounded by entry count and bytes (CLOCK eviction),
//     filled at most once per key at a time.
//   - Gate: reads of a version (what a rendition depends on) shared between
//     concurrent requests and, optionally, remembered for a short time.
//
// Nothing here knows about claims, databases or routers: callers choose the
// keys and what a version is. Everything kept is safe to lose.
package httpcache
