//go:build js && wasm

package main

import "fmt"

const serveUsage = "Usage: jobsim serve [flags]\n\nServes the page that runs jobsim in the browser; not in the browser itself.\n"

func cmdServe(args []string, e env) int {
	fmt.Fprintln(e.stderr, "jobsim serve: not available in the browser")
	return exitUsage
}
