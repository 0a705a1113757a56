//go:build !(js && wasm)

package main

import (
	"io"
	"os"

	"github.com/benbjohnson/clock"
	"golang.org/x/term"
)

func main() {
	os.Exit(Main(os.Args[1:], env{
		stdin:    os.Stdin,
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		clock:    clock.New(),
		readFile: os.ReadFile,
		create:   func(name string) (io.WriteCloser, error) { return os.Create(name) },
		terminal: terminalWidth,
		getenv:   os.Getenv,
	}))
}

// terminalWidth returns the width of w if it is a terminal.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 80, true
	}
	return width, true
}
