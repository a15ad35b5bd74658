// Package static embeds the files the desk's pages load: our stylesheet and
// scripts, and htmx, copied from the npm package htmx.org by make.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"sync"
)

//go:embed *.css *.js *.svg
var files embed.FS

// HTMX returns the file name of the bundled htmx build, htmx-VERSION.min.js,
// copied by make from the npm package htmx.org at the version
// static/package.json pins. Without it (a build that skipped make) it
// returns the name with no version, which is not found: pages still work,
// without partial swaps.
func HTMX() string {
	htmxOnce.Do(func() {
		htmxName = "htmx.min.js"
		if m, _ := fs.Glob(files, "htmx-*.min.js"); len(m) > 0 {
			htmxName = m[len(m)-1]
		}
	})
	return htmxName
}

var (
	htmxOnce sync.Once
	htmxName string
)

var (
	hashOnce sync.Once
	hashes   map[string]string
)

// URL returns the path of an embedded file with a content hash query, so
// pages can let browsers cache it forever.
func URL(name string) string {
	hashOnce.Do(func() {
		hashes = map[string]string{}
		entries, _ := fs.ReadDir(files, ".")
		for _, e := range entries {
			b, err := files.ReadFile(e.Name())
			if err == nil {
				sum := sha256.Sum256(b)
				hashes[e.Name()] = hex.EncodeToString(sum[:4])
			}
		}
	})
	return "/static/" + name + "?v=" + hashes[name]
}

// Read returns the contents of an embedded file.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }

// Handler serves the embedded files. Requests carrying a version query are
// cached for a year; others for an hour.
func Handler() http.Handler {
	fsrv := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		fsrv.ServeHTTP(w, r)
	})
}
