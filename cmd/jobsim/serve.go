//go:build !(js && wasm)

package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

const serveUsage = `Usage: jobsim serve [flags]

Serves a page that runs jobsim in the browser (as WebAssembly, nothing is
sent back): an editor for a manifest and a scenario, the examples, the
timeline, a chart, the explanation and a replay of the run, and a link
that holds the inputs. See docs/page.md.

Flags:
  --addr HOST:PORT   where to listen (default 127.0.0.1:8080, this machine
                     only; another address warns that others can reach it)
  --export DIR       write the page to DIR as static files, for any web
                     server, and exit
`

const defaultServeAddr = "127.0.0.1:8080"

func cmdServe(args []string, e env) int {
	fs := newFlagSet("serve")
	addr := fs.String("addr", defaultServeAddr, "")
	export := fs.String("export", "", "")
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, serveUsage)
		return exitOK
	}
	if err != nil {
		return usageError(e, "serve", err.Error(), serveUsage)
	}
	if fs.NArg() > 0 {
		return usageError(e, "serve", fmt.Sprintf("unexpected argument %q", fs.Arg(0)), serveUsage)
	}
	var l net.Listener
	if *export == "" {
		if !isLoopback(*addr) {
			fmt.Fprintf(e.stderr, "jobsim serve: warning: %s is not this machine only: others may reach the page\n", *addr)
		}
		// Listen first: a busy port is known before the build.
		if l, err = net.Listen("tcp", *addr); err != nil {
			fmt.Fprintf(e.stderr, "jobsim serve: %v\n", err)
			return exitInvalid
		}
		defer l.Close()
	}
	files, err := pageFiles(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "jobsim serve: %v\n", err)
		return exitInvalid
	}
	if *export != "" {
		if err := exportSite(*export, files); err != nil {
			fmt.Fprintf(e.stderr, "jobsim serve: %v\n", err)
			return exitInvalid
		}
		fmt.Fprintf(e.stdout, "wrote the page to %s (%d files)\n", *export, len(files))
		return exitOK
	}
	s := newSite(files)
	wasm := s["/jobsim.wasm"]
	fmt.Fprintf(e.stderr, "jobsim serve: jobsim.wasm is %s, %s gzipped\n", mebibytes(len(wasm.body)), mebibytes(len(wasm.gz)))
	fmt.Fprintf(e.stdout, "serving the page on http://%s/\n", l.Addr())
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	err = srv.Serve(l)
	fmt.Fprintf(e.stderr, "jobsim serve: %v\n", err)
	return exitInvalid
}

// isLoopback reports whether addr (HOST:PORT) listens on this machine
// only. An empty host is every interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func mebibytes(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// pageExample is an example of the page's picker: a manifest, a scenario
// that runs it (or none: the manifest is run) and flags it needs.
type pageExample struct {
	Title    string    `json:"title"`
	Manifest pageFile  `json:"manifest"`
	Scenario *pageFile `json:"scenario,omitempty"`
	Flags    []string  `json:"flags,omitempty"`
}

type pageFile struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// pageExamples are the picker's examples, the first the default; their
// files are copies of examples/manifests in web/examples, which
// TestPageExamplesAreCopies keeps the same.
var pageExamples = []struct {
	title, manifest, scenario string
	flags                     []string
}{
	{"pi-job: one pod that succeeds", "pi-job.yaml", "pi-job.scenario.yaml", nil},
	{"crashloop: restartPolicy OnFailure, CrashLoopBackOff", "crashloop.yaml", "crashloop.scenario.yaml", nil},
	{"parallel: two at a time, one failure", "parallel.yaml", "parallel.scenario.yaml", nil},
	{"indexed: completion indexes, one retried", "indexed.yaml", "indexed.scenario.yaml", nil},
	{"nightly-report: a CronJob through a week", "nightly-report.cronjob.yaml", "nightly-report.scenario.yaml", nil},
	{"Helm: todo-db-test-job (--set-release todo)", "helm/todo-db-test-job.yaml", "", []string{"--set-release", "todo"}},
}

// pageFiles returns the page's files by URL path: webFiles, jobsim.wasm
// and wasm_exec.js.
func pageFiles(e env) (map[string][]byte, error) {
	files, err := webFiles()
	if err != nil {
		return nil, err
	}
	wasm, execJS, err := wasmFiles(e.stderr)
	if err != nil {
		return nil, err
	}
	files["/jobsim.wasm"], files["/wasm_exec.js"] = wasm, execJS
	return files, nil
}

// webFiles returns the files of web but the examples and the build
// products, and the examples as examples.json.
func webFiles() (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(web, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "web/examples/") || p == "web/jobsim.wasm" || p == "web/wasm_exec.js" {
			return err
		}
		data, err := web.ReadFile(p)
		files[strings.TrimPrefix(p, "web")] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	var examples []pageExample
	for _, x := range pageExamples {
		ex := pageExample{Title: x.title, Flags: x.flags}
		m, err := web.ReadFile("web/examples/" + x.manifest)
		if err != nil {
			return nil, err
		}
		ex.Manifest = pageFile{path.Base(x.manifest), string(m)}
		if x.scenario != "" {
			s, err := web.ReadFile("web/examples/" + x.scenario)
			if err != nil {
				return nil, err
			}
			ex.Scenario = &pageFile{x.scenario, string(s)}
		}
		examples = append(examples, ex)
	}
	if files["/examples.json"], err = json.Marshal(examples); err != nil {
		return nil, err
	}
	return files, nil
}

// exportSite writes files under dir.
func exportSite(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		full := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(name, "/")))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// asset is a file of the site, gzipped once if that makes it smaller.
type asset struct {
	body, gz    []byte
	ctype, etag string
}

// site serves the page's files by URL path.
type site map[string]*asset

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".wasm": "application/wasm",
	".svg":  "image/svg+xml",
	".png":  "image/png",
}

func newSite(files map[string][]byte) site {
	s := site{}
	for name, body := range files {
		a := &asset{body: body, ctype: contentTypes[path.Ext(name)]}
		if a.ctype == "" {
			a.ctype = "text/plain; charset=utf-8"
		}
		sum := sha256.Sum256(body)
		a.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		if len(body) > 512 {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
			zw.Write(body)
			zw.Close()
			if b.Len() < len(body) {
				a.gz = b.Bytes()
			}
		}
		s[name] = a
	}
	return s
}

// ServeHTTP serves a file, gzipped when the browser accepts it. Every
// response may be kept but is checked again each time (no-cache, with an
// ETag), so that a new jobsim is never hidden by an old page.
func (s site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := r.URL.Path
	if name == "/" {
		name = "/index.html"
	}
	a, ok := s[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	body, etag := a.body, a.etag
	if a.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip
// (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
