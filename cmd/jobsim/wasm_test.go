//go:build !(js && wasm)

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The wasm build of the command, made once per test binary by buildWasm
// (into the same cache as jobsim serve, so that mostly it is there).
var (
	wasmOnce        sync.Once
	wasmBin, wasmJS []byte
	wasmLog         string
	wasmErr         error
)

// testWasm returns jobsim.wasm and wasm_exec.js built from this checkout:
// never the embedded ones, which go generate may have made from older
// sources.
func testWasm(t *testing.T) (wasm, execJS []byte) {
	t.Helper()
	wasmOnce.Do(func() {
		var log bytes.Buffer
		dir, err := buildWasm(".", &log)
		wasmLog, wasmErr = log.String(), err
		if err == nil {
			wasmBin, err = os.ReadFile(filepath.Join(dir, "jobsim.wasm"))
		}
		if err == nil {
			wasmJS, err = os.ReadFile(filepath.Join(dir, "wasm_exec.js"))
		}
		wasmErr = err
	})
	if wasmErr != nil {
		t.Fatalf("building jobsim.wasm: %v", wasmErr)
	}
	if wasmLog != "" {
		t.Log(strings.TrimSpace(wasmLog))
	}
	return wasmBin, wasmJS
}

func TestBuildWasm(t *testing.T) {
	wasm, execJS := testWasm(t)
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Errorf("jobsim.wasm starts with %q, not a WebAssembly module's magic number", wasm[:min(4, len(wasm))])
	}
	if !bytes.Contains(execJS, []byte("globalThis.Go = class")) {
		t.Error("wasm_exec.js does not define globalThis.Go")
	}
	// A second build of the same sources is the cached one, silently.
	var log bytes.Buffer
	if _, err := buildWasm(".", &log); err != nil || log.Len() != 0 {
		t.Errorf("second buildWasm: err %v, said %q; want the cached build, silently", err, log.String())
	}
}

// maxWasmSize bounds jobsim.wasm, which the page downloads before it can
// run anything: the browser build decodes into a mirror of the
// Kubernetes API types (internal/k8s), without their generated methods
// and the packages those pull in, which made it 22 MB. What is left is
// jobsim, the Go runtime, the standard library it uses, and
// k8s.io/apimachinery's resource.Quantity with what it imports (about
// 1.2 MB: github.com/fxamacker/cbor, sigs.k8s.io/json); see docs/page.md.
// It measured 12.1 MiB; the bound, 12.5 MiB, leaves room for jobsim to
// grow a little, not for k8s.io/api to come back.
const maxWasmSize = 25 << 19

func TestWasmSize(t *testing.T) {
	wasm, _ := testWasm(t)
	if len(wasm) > maxWasmSize {
		t.Errorf("jobsim.wasm is %d bytes (%s), more than %d (%s): is a package of k8s.io/api, or of k8s.io/apimachinery besides api/resource and util/validation/field and what they import, in the browser build? See GOOS=js GOARCH=wasm go list -deps ./cmd/jobsim",
			len(wasm), mebibytes(len(wasm)), maxWasmSize, mebibytes(maxWasmSize))
	}
	t.Logf("jobsim.wasm is %d bytes (%s)", len(wasm), mebibytes(len(wasm)))
}

func TestBuildWasmOutsideTheModule(t *testing.T) {
	_, err := buildWasm(t.TempDir(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "go generate ./cmd/jobsim && go build ./cmd/jobsim") {
		t.Errorf("buildWasm outside the module: err %v, want one that says how to build a self-contained jobsim", err)
	}
}

func TestBuildWasmWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := buildWasm(".", &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no go tool") {
		t.Errorf("buildWasm without go: err %v, want one that says there is no go tool", err)
	}
}

func TestSourceHash(t *testing.T) {
	root := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		full := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module "+modulePath+"\n")
	write("a.go", "package a\n")
	h0 := hashOf(t, root)
	// Tests, test data, the page and other modules are not built in.
	write("a_test.go", "package a\n")
	write("testdata/x", "x")
	write("cmd/jobsim/web/jobsim.wasm", "x")
	write("conformance/go.mod", "module other\n")
	write("conformance/c.go", "package c\n")
	if h := hashOf(t, root); h != h0 {
		t.Error("the hash changed with a file that is not built in")
	}
	write("a.go", "package a // changed\n")
	if h := hashOf(t, root); h == h0 {
		t.Error("the hash did not change with a source file")
	}
}

func hashOf(t *testing.T, root string) string {
	t.Helper()
	h, err := sourceHash(root)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
