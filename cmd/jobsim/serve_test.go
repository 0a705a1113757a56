//go:build !(js && wasm)

package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPageExamplesAreCopies keeps the page's examples the same as those
// of examples/manifests: after a change there, copy the file again
// (cp examples/manifests/NAME cmd/jobsim/web/examples/NAME).
func TestPageExamplesAreCopies(t *testing.T) {
	err := fs.WalkDir(web, "web/examples", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		got, _ := web.ReadFile(p)
		rel := strings.TrimPrefix(p, "web/examples/")
		want, err := os.ReadFile(filepath.Join("..", "..", "examples", "manifests", filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("%s: no such example in examples/manifests: %v", p, err)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("cmd/jobsim/%s differs from examples/manifests/%s: copy it again", p, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The examples run as the page runs them: the scenario (or the manifest)
// with the example's flags, on their files alone.
func TestPageExamplesRun(t *testing.T) {
	files, err := webFiles()
	if err != nil {
		t.Fatal(err)
	}
	var examples []pageExample
	if err := json.Unmarshal(files["/examples.json"], &examples); err != nil {
		t.Fatal(err)
	}
	if len(examples) != len(pageExamples) {
		t.Fatalf("examples.json has %d examples, want %d", len(examples), len(pageExamples))
	}
	for _, x := range examples {
		mem := map[string]string{x.Manifest.Name: x.Manifest.Text}
		target := x.Manifest.Name
		if x.Scenario != nil {
			mem[x.Scenario.Name] = x.Scenario.Text
			target = x.Scenario.Name
		}
		var stdout, stderr bytes.Buffer
		e := env{stdout: &stdout, stderr: &stderr, readFile: func(name string) ([]byte, error) {
			if s, ok := mem[name]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		}}
		args := append(append([]string{"run", "--color", "never"}, x.Flags...), target)
		if code := Main(args, e); code != exitOK {
			t.Errorf("%s: jobsim %s: exit %d\n%s", x.Title, strings.Join(args, " "), code, stderr.String())
		}
	}
}

func TestSite(t *testing.T) {
	big := bytes.Repeat([]byte("jobsim "), 1000)
	srv := httptest.NewServer(newSite(map[string][]byte{
		"/index.html":  []byte("<!doctype html><title>x</title>"),
		"/jobsim.wasm": append([]byte("\x00asm"), big...),
		"/app.js":      big,
	}))
	defer srv.Close()
	get := func(path, method string, header ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		// The transport would ask for gzip and decode it itself.
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, c := range []struct{ path, ctype string }{
		{"/", "text/html; charset=utf-8"},
		{"/jobsim.wasm", "application/wasm"},
		{"/app.js", "text/javascript; charset=utf-8"},
	} {
		resp := get(c.path, "GET")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ctype || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %s, Content-Type %q, Cache-Control %q; want 200, %q, no-cache", c.path, resp.Status,
				resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), c.ctype)
		}
	}
	// Gzipped only when asked for, and the same bytes once unzipped.
	plain := get("/jobsim.wasm", "GET")
	if plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("GET without Accept-Encoding: Content-Encoding %q", plain.Header.Get("Content-Encoding"))
	}
	zipped := get("/jobsim.wasm", "GET", "Accept-Encoding", "br, gzip")
	if zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("GET with Accept-Encoding gzip: Content-Encoding %q, Vary %q", zipped.Header.Get("Content-Encoding"), zipped.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if want, _ := io.ReadAll(plain.Body); !bytes.Equal(unzipped, want) {
		t.Error("the gzipped wasm differs from the plain one once unzipped")
	}
	if got := get("/jobsim.wasm", "GET", "Accept-Encoding", "gzip;q=0").Header.Get("Content-Encoding"); got != "" {
		t.Errorf("gzip;q=0: Content-Encoding %q, want none", got)
	}
	// An unchanged file is not sent again.
	if resp := get("/app.js", "GET", "If-None-Match", get("/app.js", "GET").Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("GET with the ETag: %s, want 304", resp.Status)
	}
	if resp := get("/nothing.js", "GET"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing.js: %s, want 404", resp.Status)
	}
	if resp := get("/", "POST"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %s, want 405", resp.Status)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:1": true,
		"0.0.0.0:8080": false, ":8080": false, "192.168.1.2:8080": false, "[::]:80": false, "example.com:80": false, "nonsense": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestServeUsage(t *testing.T) {
	if r := runCmd(t, "", "help", "serve"); r.code != exitOK || !strings.Contains(r.stdout, "--export DIR") {
		t.Errorf("jobsim help serve: exit %d, %q", r.code, r.stdout)
	}
	if r := runCmd(t, "", "help"); !strings.Contains(r.stdout, "jobsim serve") {
		t.Error("jobsim help does not list serve")
	}
	if r := runCmd(t, "", "serve", "extra"); r.code != exitUsage {
		t.Errorf("jobsim serve extra: exit %d, want %d", r.code, exitUsage)
	}
	if r := runCmd(t, "", "serve", "--port", "1"); r.code != exitUsage {
		t.Errorf("jobsim serve --port 1: exit %d, want %d", r.code, exitUsage)
	}
}

// Any address is accepted, but one that others can reach is warned about.
func TestServeWarnsOfOtherAddresses(t *testing.T) {
	// Port -1 cannot be listened on: the command stops there.
	r := runCmd(t, "", "serve", "--addr", "0.0.0.0:-1")
	if r.code != exitInvalid || !strings.Contains(r.stderr, "warning: 0.0.0.0:-1 is not this machine only") {
		t.Errorf("jobsim serve --addr 0.0.0.0:-1: exit %d, stderr %q; want 1 and a warning", r.code, r.stderr)
	}
	r = runCmd(t, "", "serve", "--addr", "127.0.0.1:-1")
	if r.code != exitInvalid || strings.Contains(r.stderr, "warning") {
		t.Errorf("jobsim serve --addr 127.0.0.1:-1: exit %d, stderr %q; want 1 and no warning", r.code, r.stderr)
	}
}

// serve --export writes the page that serve serves.
func TestServeExport(t *testing.T) {
	testWasm(t) // built, so that serve finds it in the cache
	dir := filepath.Join(t.TempDir(), "site")
	r := runCmd(t, "", "serve", "--export", dir)
	if r.code != exitOK {
		t.Fatalf("jobsim serve --export: exit %d\n%s", r.code, r.stderr)
	}
	for _, name := range []string{"index.html", "app.js", "style.css", "examples.json", "jobsim.wasm", "wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("jobsim serve --export: %v", err)
		}
	}
}
