//go:build !(js && wasm)

package main

//go:generate sh -c "GOOS=js GOARCH=wasm go build -trimpath -ldflags=\"-s -w\" -o web/jobsim.wasm . && cp \"$(go env GOROOT)/lib/wasm/wasm_exec.js\" web/"

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// web is the page. jobsim.wasm and wasm_exec.js are in it only when go
// generate made them before the build (a release build); otherwise
// wasmFiles builds them.
//
//go:embed web
var web embed.FS

// modulePath is the module whose cmd/jobsim wasmFiles builds.
const modulePath = "github.com/jobsim/jobsim"

// wasmFiles returns jobsim.wasm and wasm_exec.js: the embedded ones, else
// those built from the source checkout around the working directory.
func wasmFiles(stderr io.Writer) (wasm, execJS []byte, err error) {
	wasm, err1 := web.ReadFile("web/jobsim.wasm")
	execJS, err2 := web.ReadFile("web/wasm_exec.js")
	if err1 == nil && err2 == nil {
		return wasm, execJS, nil
	}
	dir, err := buildWasm(".", stderr)
	if err != nil {
		return nil, nil, err
	}
	if wasm, err = os.ReadFile(filepath.Join(dir, "jobsim.wasm")); err != nil {
		return nil, nil, err
	}
	if execJS, err = os.ReadFile(filepath.Join(dir, "wasm_exec.js")); err != nil {
		return nil, nil, err
	}
	return wasm, execJS, nil
}

// noWasm says why there is no jobsim.wasm to serve, and how to get a
// jobsim that needs no go tool to serve.
func noWasm(why string) error {
	return fmt.Errorf(`this jobsim has no jobsim.wasm built in, and %s.
Build a self-contained jobsim from a source checkout:
  go generate ./cmd/jobsim && go build ./cmd/jobsim`, why)
}

// buildWasm builds jobsim.wasm, and copies the toolchain's wasm_exec.js
// beside it, into a cache directory named by the go version and the
// sources of the module around dir, so that it builds once per change;
// it returns that directory.
func buildWasm(dir string, stderr io.Writer) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", noWasm("there is no go tool to build it")
	}
	cmd := exec.Command(goTool, "env", "GOMOD", "GOROOT", "GOVERSION")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env: %v", err)
	}
	vars := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(vars) != 3 {
		return "", fmt.Errorf("go env printed %q", out)
	}
	gomod, goroot, goversion := vars[0], vars[1], vars[2]
	if !isJobsimModule(gomod) {
		return "", noWasm("the working directory is not in a jobsim source checkout, where it would build it with the go tool")
	}
	root := filepath.Dir(gomod)
	sum, err := sourceHash(root)
	if err != nil {
		return "", fmt.Errorf("reading the sources: %v", err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	h := sha256.Sum256([]byte(goversion + "\n" + sum))
	out0 := filepath.Join(cache, "jobsim", "wasm-"+hex.EncodeToString(h[:8]))
	if fileExists(filepath.Join(out0, "jobsim.wasm")) && fileExists(filepath.Join(out0, "wasm_exec.js")) {
		return out0, nil
	}
	fmt.Fprintf(stderr, "jobsim serve: building jobsim.wasm with %s into %s (once for these sources)\n", goversion, out0)
	if err := os.MkdirAll(out0, 0o755); err != nil {
		return "", err
	}
	// Build to a temporary name and rename, so that a build cut short
	// or two at once leave no half-written file under the final name.
	tmp, err := os.CreateTemp(out0, "jobsim.wasm.*")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	build := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", tmp.Name(), "./cmd/jobsim")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var msg bytes.Buffer
	build.Stdout, build.Stderr = &msg, &msg
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("GOOS=js GOARCH=wasm go build ./cmd/jobsim: %v\n%s", err, msg.Bytes())
	}
	execJS, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return "", fmt.Errorf("the go toolchain's wasm_exec.js: %v", err)
	}
	if err := writeFileAtomic(filepath.Join(out0, "wasm_exec.js"), execJS); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(out0, "jobsim.wasm")); err != nil {
		return "", err
	}
	return out0, nil
}

// isJobsimModule reports whether gomod is the go.mod of this module.
func isJobsimModule(gomod string) bool {
	if gomod == "" || gomod == os.DevNull {
		return false
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}

// sourceHash hashes the names and contents of the files under root that
// can go into the wasm build: all but tests, test data, the page and
// other modules (the conformance suite).
func sourceHash(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || rel == filepath.Join("cmd", "jobsim", "web") ||
				fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func writeFileAtomic(name string, data []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
