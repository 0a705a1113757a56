//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"syscall/js"

	"github.com/benbjohnson/clock"
)

// main, in the browser, runs nothing by itself: it gives the page
// globalThis.jobsimMain(args, files), which runs the command as a shell
// would, with files (an object {name: text}) for the file system, and
// returns {code, stdout, stderr, files}; files holds what the command
// wrote (--events FILE).
func main() {
	js.Global().Set("jobsimMain", js.FuncOf(func(this js.Value, a []js.Value) any {
		if len(a) < 1 {
			return map[string]any{"code": exitUsage, "stdout": "", "stderr": "jobsimMain(args, files): no args\n"}
		}
		var args []string
		for i := range a[0].Length() {
			args = append(args, a[0].Index(i).String())
		}
		files := map[string]string{}
		if len(a) > 1 && a[1].Type() == js.TypeObject {
			keys := js.Global().Get("Object").Call("keys", a[1])
			for i := range keys.Length() {
				k := keys.Index(i).String()
				files[k] = a[1].Get(k).String()
			}
		}
		code, stdout, stderr, written := runInMemory(args, files)
		out := map[string]any{}
		for name, b := range written {
			out[name] = b.String()
		}
		return map[string]any{"code": code, "stdout": stdout, "stderr": stderr, "files": out}
	}))
	select {}
}

// runInMemory runs Main on files held in memory. A panic is reported as
// an error, so that the program lives on for the page's next call.
func runInMemory(args []string, files map[string]string) (code int, stdout, stderr string, written map[string]*bytes.Buffer) {
	var out, errOut bytes.Buffer
	written = map[string]*bytes.Buffer{}
	defer func() {
		if r := recover(); r != nil {
			code, stdout, stderr = exitInvalid, out.String(), errOut.String()+fmt.Sprintf("jobsim: internal error: %v\n", r)
		}
	}()
	code = Main(args, env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		clock:  clock.New(),
		readFile: func(name string) ([]byte, error) {
			if s, ok := files[name]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		},
		create: func(name string) (io.WriteCloser, error) {
			b := &bytes.Buffer{}
			written[name] = b
			return nopCloser{b}, nil
		},
		getenv: func(string) string { return "" },
	})
	return code, out.String(), errOut.String(), written
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
